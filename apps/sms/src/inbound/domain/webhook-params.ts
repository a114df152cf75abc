import { identifierProblem, textProblem } from '@reclaim/contracts';

export interface ParamProblem {
  path: string;
  message: string;
}

/** The message text: free text (line breaks and all), but no U+0000 or broken Unicode. */
const TEXT_PARAMS = new Set(['Body']);

/**
 * What a webhook's form parameters may hold, by the rules every entrance shares
 * (libs/contracts/src/text.ts): ids, numbers, statuses and codes no control characters, the
 * message text no U+0000 or lone surrogate. Lists every offending parameter by name.
 */
export function webhookParamProblems(params: URLSearchParams): ParamProblem[] {
  const problems: ParamProblem[] = [];
  for (const [name, value] of params) {
    const why = TEXT_PARAMS.has(name) ? textProblem(value) : identifierProblem(value);
    if (why) problems.push({ path: name, message: why });
  }
  return problems;
}
