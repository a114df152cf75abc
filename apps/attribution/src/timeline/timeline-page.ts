import Handlebars from 'handlebars';
import type { TimelineKind } from './domain/entries';
import { utcDateTime } from './domain/words';
import type { Timeline } from './timeline.service';

/**
 * Each kind's label, with a symbol beside it: the kind is told by words (and the symbol), never by
 * colour alone; the colour of the left border only repeats it. Symbols from common text fonts
 * (no emoji: a server's Chromium, or a support laptop, may have no emoji font).
 */
const KIND_LOOK: Readonly<Record<TimelineKind, { label: string; symbol: string; tone: string }>> = {
  cart: { label: 'Cart', symbol: '▣', tone: 'shop' },
  checkout: { label: 'Checkout', symbol: '▶', tone: 'shop' },
  shipping: { label: 'Shipping', symbol: '↦', tone: 'shop' },
  consent: { label: 'Consent', symbol: '✎', tone: 'shop' },
  push: { label: 'Push opt-in', symbol: '◉', tone: 'shop' },
  order: { label: 'Order', symbol: '✓', tone: 'good' },
  abandoned: { label: 'Abandoned', symbol: '⊘', tone: 'warn' },
  decision: { label: 'Decision', symbol: '⚖', tone: 'us' },
  paused: { label: 'Came back', symbol: '↩', tone: 'shop' },
  touch: { label: 'Scheduled', symbol: '◷', tone: 'us' },
  incentive: { label: 'Incentive', symbol: '%', tone: 'us' },
  delivery: { label: 'Delivery', symbol: '✉', tone: 'us' },
  click: { label: 'Click', symbol: '➚', tone: 'good' },
  suppression: { label: 'Stopped', symbol: '✕', tone: 'warn' },
  recovery: { label: 'Recovered', symbol: '★', tone: 'good' },
};

const PAGE = Handlebars.compile<PageModel>(
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{title}} · Reclaim</title>
<style>
  :root { color-scheme: light; --ink: #1d232b; --muted: #59636e; --line: #d8dde3;
          --shop: #5b6b7c; --us: #2f5fb3; --good: #217a3c; --warn: #a4462a; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
  main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
  .sub { color: var(--muted); margin: 0 0 1rem; font-size: .9rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; margin: 0 0 1.25rem; }
  label.search { flex: 1 1 12rem; display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
  input { font: inherit; padding: .5rem .6rem; border: 1px solid #9aa5b1; border-radius: 6px; min-width: 0; }
  button { font: inherit; padding: .5rem 1rem; border: 0; border-radius: 6px; background: var(--us); color: #fff; align-self: flex-end; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
  ol { list-style: none; margin: 0; padding: 0; }
  li { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--shop); border-radius: 6px;
       padding: .6rem .8rem; margin: 0 0 .5rem; display: grid; grid-template-columns: 11.5rem 8.5rem 1fr; gap: .25rem .75rem; align-items: baseline; }
  li.tone-us { border-left-color: var(--us); }
  li.tone-good { border-left-color: var(--good); }
  li.tone-warn { border-left-color: var(--warn); }
  time { color: var(--muted); font-size: .85rem; font-variant-numeric: tabular-nums; }
  .kind { font-weight: 600; font-size: .9rem; white-space: nowrap; }
  .text { margin: 0; overflow-wrap: anywhere; }
  .empty { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; }
  @media (max-width: 40rem) {
    li { grid-template-columns: 1fr auto; }
    li time { order: 2; text-align: right; }
    li .kind { order: 1; }
    li .text { order: 3; grid-column: 1 / -1; }
  }
</style>
</head>
<body>
<main>
  <h1>{{title}}</h1>
  <p class="sub">{{subtitle}}</p>
  <form method="get" action="/carts" role="search">
    <label class="search">Open another cart
      <input name="cartId" value="{{query}}" required maxlength="128" autocomplete="off" spellcheck="false" placeholder="cart id">
    </label>
    <button type="submit">Open</button>
  </form>
  {{#if entries.length}}
  <ol>
    {{#each entries}}
    <li class="tone-{{tone}}">
      <time datetime="{{at}}">{{when}}</time>
      <span class="kind"><span aria-hidden="true">{{symbol}}</span> {{label}}</span>
      <p class="text">{{text}}</p>
    </li>
    {{/each}}
  </ol>
  {{else}}
  <p class="empty">{{empty}}</p>
  {{/if}}
</main>
</body>
</html>
`,
  { strict: true },
);

interface PageModel {
  title: string;
  subtitle: string;
  query: string;
  empty: string;
  entries: Array<{ at: string; when: string; label: string; symbol: string; tone: string; text: string }>;
}

/**
 * A cart's timeline as a self-contained HTML page (inline CSS, no script, nothing fetched from
 * elsewhere; every value escaped by Handlebars): time, kind and what happened, one line each,
 * readable from 375 px up. The dashboard links to it at `/carts/:cartId`.
 */
export function renderTimelinePage(timeline: Timeline): string {
  return PAGE({
    title: `Cart ${timeline.cartId}`,
    subtitle: `${timeline.entries.length} entries for store ${timeline.storeId}, times in UTC. Why did (or didn't) this shopper get a message? Read down.`,
    query: '',
    empty: 'Nothing recorded for this cart yet.',
    entries: timeline.entries.map((e) => ({
      at: e.at,
      when: utcDateTime(new Date(e.at), true),
      ...KIND_LOOK[e.kind],
      text: e.text,
    })),
  });
}

/** The page for a cart the store never told us about (or a search without a cart id). */
export function renderCartNotFoundPage(storeId: string, cartId: string): string {
  return PAGE({
    title: cartId ? `Cart ${cartId}` : 'Open a cart',
    subtitle: `Store ${storeId}`,
    query: cartId,
    empty: cartId
      ? 'No events, messages or decisions are recorded for this cart id in your store. Check the id and try again.'
      : 'Enter a cart id to see everything that happened to it.',
    entries: [],
  });
}
