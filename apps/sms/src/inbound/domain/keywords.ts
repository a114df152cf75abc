/** What an inbound SMS asks for. */
export type InboundIntent = 'stop' | 'start' | 'help' | 'other';

/** Opt-out keywords carriers and the law (CTIA, TCPA) expect to be honoured at once. */
export const STOP_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'REVOKE', 'OPTOUT'] as const;
export const START_KEYWORDS = ['START', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

const stop = new Set<string>(STOP_KEYWORDS);
const start = new Set<string>(START_KEYWORDS);
const help = new Set<string>(HELP_KEYWORDS);

/**
 * A keyword is the whole message, in any case, with surrounding spaces and punctuation ignored
 * ("Stop.", " STOP ", "stop!"); "Stop all"/"opt out" written as two words count too. A sentence that
 * merely contains the word ("don't stop sending") is not a keyword.
 */
export function parseKeyword(body: string): InboundIntent {
  const word = body
    .normalize('NFKC')
    .trim()
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .replace(/[\s-]+/g, '')
    .toUpperCase();
  if (stop.has(word)) return 'stop';
  if (start.has(word)) return 'start';
  if (help.has(word)) return 'help';
  return 'other';
}
