/**
 * Posts shopper events to ingestion the way the contract (docs/EVENTS.md) asks a store to: a
 * `503` (the instance sheds load or a dependency is slow) or a `429` is sent again with the same
 * ids after its Retry-After — here at most `maxWaitMs`, tests being in a hurry — up to `attempts`
 * times. Any other answer is returned as it is.
 */
export async function postEvents(
  ingestion: string,
  apiKey: string,
  events: unknown[],
  opts: { attempts?: number; maxWaitMs?: number } = {},
): Promise<{ status: number; body: unknown; attempts: number }> {
  const attempts = opts.attempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${ingestion}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if ((res.status !== 503 && res.status !== 429) || attempt >= attempts) {
      return { status: res.status, body, attempts: attempt };
    }
    const retryAfterMs = Number(res.headers.get('retry-after') ?? '1') * 1_000;
    await new Promise((r) => setTimeout(r, Math.min(opts.maxWaitMs ?? 1_000, retryAfterMs)));
  }
}
