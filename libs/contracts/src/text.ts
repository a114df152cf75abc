import { z } from 'zod';

/**
 * What a string that enters Reclaim may hold — one definition for every entrance (events,
 * webhooks, links) and for the records they become (docs/EVENTS.md, "Strings").
 *
 * - No string holds U+0000 or a lone UTF-16 surrogate: PostgreSQL refuses the first, and the
 *   second cannot be encoded as UTF-8 (it would become U+FFFD and collide with other values).
 * - Identifiers, keys, addresses and codes also hold no other control character (C0, DEL, C1):
 *   they are compared exactly as stored, and a control character in one is never meant.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const NUL = /\u0000/u;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;

/** Why `value` may not be stored as free text (a title, a message), or undefined when it may. */
export function textProblem(value: string): string | undefined {
  if (NUL.test(value)) return 'must not contain U+0000';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone surrogate (broken Unicode)';
  return undefined;
}

/** Why `value` may not be an identifier, key, address or code, or undefined when it may. */
export function identifierProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'must not contain control characters';
  return textProblem(value);
}

const refined = (schema: z.ZodString, problem: (value: string) => string | undefined) =>
  schema.superRefine((value, ctx) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });

/** Free text of at most `max` characters: kept exactly as sent, with no U+0000 or broken Unicode. */
export const SafeText = (max: number, min = 0) => refined(z.string().min(min).max(max), textProblem);

/** An identifier of 1..`max` characters: compared exactly as stored, no control characters. */
export const SafeId = (max = 128) => refined(z.string().min(1).max(max), identifierProblem);

/**
 * Strict UTF-8: decodes `bytes`, or returns undefined when they are not valid UTF-8 (an invalid
 * byte is refused, never turned into U+FFFD). A leading byte-order mark is dropped.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body strictly: the bytes must be UTF-8 and every
 * percent-escape must decode to UTF-8 (URLSearchParams alone would turn both into U+FFFD).
 * Returns the parameters, or the reason the body is unreadable.
 */
export function parseFormStrict(bytes: Uint8Array): { ok: true; params: URLSearchParams } | { ok: false; why: string } {
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) return { ok: false, why: 'body is not valid UTF-8' };
  for (const part of text.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return { ok: false, why: 'a percent-escape does not decode to UTF-8' };
    }
  }
  return { ok: true, params: new URLSearchParams(text) };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The user-perceived characters of `s`: a cut between two never splits an emoji sequence or an accent from its letter. */
export const graphemesOf = (s: string): string[] => Array.from(graphemes.segment(s), (g) => g.segment);

/**
 * `s` with runs of white space made one space, cut to at most `max` user-perceived characters
 * with `…` at the end when it was longer — never in the middle of an emoji or a combined letter.
 */
export function shortenText(s: string, max: number): string {
  const characters = graphemesOf(s.replace(/\s+/g, ' ').trim());
  return characters.length <= max
    ? characters.join('')
    : `${characters
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
