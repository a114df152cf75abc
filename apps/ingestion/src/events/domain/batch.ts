import {
  edgeProblems,
  EventBatchEnvelope,
  StorefrontEvent,
  type EdgePolicy,
  type StorefrontEvent as Event,
} from '@reclaim/contracts';

export interface ValidationDetail {
  index: number | null;
  path: string;
  message: string;
}

export type BatchValidation = { ok: true; events: Event[] } | { ok: false; details: ValidationDetail[] };

const joinPath = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

/**
 * Validates a whole batch against the contract and the edge's rules (time window, https, push
 * endpoints): any invalid event rejects the batch, with every problem listed.
 */
export function validateBatch(body: unknown, policy: EdgePolicy): BatchValidation {
  const envelope = EventBatchEnvelope.safeParse(body);
  if (!envelope.success) {
    return {
      ok: false,
      details: envelope.error.issues.map((i) => ({ index: null, path: joinPath(i.path), message: i.message })),
    };
  }
  const details: ValidationDetail[] = [];
  const events: Event[] = [];
  envelope.data.events.forEach((raw, index) => {
    const result = StorefrontEvent.safeParse(raw);
    if (!result.success) {
      for (const i of result.error.issues) details.push({ index, path: joinPath(i.path), message: i.message });
      return;
    }
    const problems = edgeProblems(result.data, policy);
    for (const p of problems) details.push({ index, ...p });
    if (problems.length === 0) events.push(result.data);
  });
  return details.length > 0 ? { ok: false, details } : { ok: true, events };
}

/**
 * Splits repeats inside one batch (the first copy wins) and orders what is left by occurredAt,
 * stable for equal times, so each cart's events reach Kafka in the order they happened.
 */
export function dedupeAndOrder(events: ReadonlyArray<Event>): { unique: Event[]; repeatsInBatch: number } {
  const seen = new Set<string>();
  const unique: Event[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    unique.push(e);
  }
  const ordered = unique
    .map((e, i) => ({ e, i, t: Date.parse(e.occurredAt) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ e }) => e);
  return { unique: ordered, repeatsInBatch: events.length - unique.length };
}
