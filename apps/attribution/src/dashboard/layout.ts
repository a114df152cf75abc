import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { html, type HtmlPart, SafeHtml } from './html';

/**
 * The dashboard's one stylesheet, mobile first: a single column readable at 375 px; wide tables
 * turn into label/value lists on narrow screens instead of scrolling sideways.
 */
const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--accent:#0b5cad;--warn:#9a3412;--warnbg:#fff4e5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
a{color:var(--accent)}
.top{background:var(--ink);color:#fff}
.top .wrap{display:flex;align-items:center;gap:.75rem;padding-top:.6rem;padding-bottom:.6rem}
.top .brand{font-weight:700}
.top .store{color:#d0d7de;overflow-wrap:anywhere;flex:1}
.wrap{max-width:64rem;margin:0 auto;padding-left:1rem;padding-right:1rem}
main.wrap{padding-top:1rem;padding-bottom:2rem}
h1{font-size:1.35rem;margin:.2rem 0 .6rem}
h2{font-size:1.1rem;margin:0 0 .6rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
section{margin:0 0 1.25rem;padding:1rem;border:1px solid var(--line);border-radius:.5rem}
.headline{background:var(--panel);border-left:.35rem solid var(--accent)}
.headline p{margin:0;font-size:1.1rem}
.verdict{display:block;font-size:1.2rem;font-weight:700;margin-bottom:.3rem}
.note{color:var(--muted);font-size:.9rem;margin:.5rem 0 0}
.period{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:0 0 1rem}
.period .quick{display:flex;gap:.75rem}
.period form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{display:block;font-size:.85rem;color:var(--muted)}
input{font:inherit;padding:.35rem .5rem;border:1px solid #8c959f;border-radius:.3rem;max-width:100%}
button{font:inherit;padding:.4rem .9rem;border:1px solid var(--accent);border-radius:.3rem;background:var(--accent);color:#fff;cursor:pointer}
.top button{background:transparent;border-color:#8c959f;padding:.25rem .7rem}
.charts{display:grid;gap:1rem;align-items:start}
@media (min-width:48rem){.charts{grid-template-columns:1fr 1fr}}
svg{display:block;width:100%;height:auto;max-width:28rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:0 0 .3rem}
th,td{padding:.35rem .45rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
thead th{font-size:.85rem;color:var(--muted);font-weight:600}
details{margin-top:.6rem}
summary{cursor:pointer;color:var(--accent)}
.empty{color:var(--muted);font-style:italic}
.flag{color:var(--warn);background:var(--warnbg);font-weight:700;padding:0 .3rem;border-radius:.2rem}
.ok{color:var(--muted)}
.error{border:2px solid var(--warn);background:var(--warnbg);padding:.6rem .8rem;border-radius:.4rem;font-weight:600}
.links{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;margin:.8rem 0 0;padding:0;list-style:none}
.signin{max-width:26rem}
.signin input{width:100%}
.signin button{margin-top:.8rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:40rem){
 section{padding:.75rem}
 table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.3rem 0}
 table.stack td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.1rem 0;text-align:right}
 table.stack td::before{content:attr(data-label);color:var(--muted);text-align:left}
 table.stack th[scope=row]{display:block;border:0;padding:.2rem 0 .1rem;font-size:1rem}
}
`.trim();

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');
/** Built outside the page template so formatting the template can never change what the hash covers. */
const STYLE = new SafeHtml(`<style>${CSS}</style>`);

/**
 * No script at all, nothing from anywhere else: the page's only style is the inline sheet above
 * (allowed by its hash), images are inline SVG, forms post back here only, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers every dashboard response carries, pages and redirects alike. */
export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex');
}

/** Sends a page with its status and the headers above. */
export function sendPage(res: Response, status: number, page: SafeHtml): void {
  setPageHeaders(res);
  res.status(status).type('text/html; charset=utf-8').send(page.value);
}

/** Sends a 303 See Other (a POST answered, or a token taken out of the address bar). */
export function redirect(res: Response, location: string): void {
  setPageHeaders(res);
  res.status(303).setHeader('Location', location);
  res.end();
}

/** The document around a page: head, the store bar (with sign-out when signed in), the main column. */
export function layout(options: { title: string; storeId?: string; body: HtmlPart }): SafeHtml {
  const bar = html`<header class="top">
    <div class="wrap">
      <span class="brand">Reclaim</span>${
        options.storeId
          ? html`<span class="store">Store <strong>${options.storeId}</strong></span>
              <form method="post" action="/signout"><button type="submit">Sign out</button></form>`
          : html`<span class="store">Recovery dashboard</span>`
      }
    </div>
  </header>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${options.title}</title>
        ${STYLE}
      </head>
      <body>
        ${bar}
        <main class="wrap">${options.body}</main>
      </body>
    </html> `;
}
