/**
 * Reclaim's pages behind resume links: the landing page of a cart, "order complete", and the
 * friendly error pages. Handlebars escapes every `{{value}}`; the one `{{{body}}}` is a page body
 * rendered (and escaped) by these templates. One static stylesheet, inline (its hash is in the
 * Content-Security-Policy), no scripts, no fonts, nothing from a third party but item images.
 * Mobile first: one column, 16 px text, the one full-width button right under the heading (and the
 * code, if any) so that a phone shows it without scrolling; wider screens get a centred column.
 */

export const LANDING_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1b1d21;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:40rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #dcdfe4;border-radius:12px;padding:1rem 1.125rem;margin:0 0 1rem}
.store{margin:0;font-weight:600;color:#3d434d}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 .25rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
p{margin:.25rem 0}
.muted{color:#4a505a;font-size:.9375rem}
.items{list-style:none;margin:0;padding:0}
.item{display:grid;grid-template-columns:64px 1fr auto;gap:.75rem;align-items:start;padding:.75rem 0;border-top:1px solid #e6e8ec}
.item:first-child{border-top:0;padding-top:0}
.item img,.ph{width:64px;height:64px;border-radius:8px;object-fit:cover;background:#eceef1;display:block}
.info{min-width:0}
.title{font-weight:600;overflow-wrap:anywhere}
.line{font-weight:600;white-space:nowrap;margin:0}
.was{white-space:nowrap}
.oos{color:#a4161a;font-weight:600;font-size:.9375rem}
.ok{color:#1d6b3a;font-size:.9375rem}
.totals{display:flex;justify-content:space-between;margin:.75rem 0 0;padding-top:.75rem;border-top:2px solid #1b1d21;font-size:1.125rem;font-weight:700}
.totals dd{margin:0}
.offer{border:2px dashed #1d4ed8;background:#f5f8ff}
.code{display:inline-block;font:700 1.125rem/1.3 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em;background:#fff;border:1px solid #9db3ef;border-radius:6px;padding:.125rem .5rem;overflow-wrap:anywhere}
.button{display:block;text-align:center;background:#1d4ed8;color:#fff;font-weight:700;font-size:1.125rem;text-decoration:none;border-radius:10px;padding:.875rem 1rem;margin:0 0 1rem}
.button:hover{background:#1e40af}
.button:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
a{color:#1d4ed8}
.trust h2{font-size:1rem}
.trust dl{margin:0}
.trust dt{font-weight:600;margin-top:.5rem}
.trust dd{margin:0;color:#3d434d;overflow-wrap:anywhere}
footer{color:#4a505a;font-size:.8125rem;text-align:center;padding:.5rem 0 1.5rem}
@media (min-width:40rem){main{padding:2rem 1rem}h1{font-size:1.875rem}.card{padding:1.25rem 1.5rem}}
`.trim();

export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{{title}}</title>
<style>${LANDING_CSS}</style>
</head>
<body>
<main>
{{{body}}}
</main>
</body>
</html>
`;

export const LANDING_BODY = `<header class="card">
<p class="store">{{storeName}}</p>
<h1>Your cart is waiting</h1>
<p class="muted">{{savedText}}</p>
</header>
{{#if incentive}}
<section class="card offer" aria-labelledby="offer-title">
<h2 id="offer-title">{{incentive.offer}}</h2>
<p>Use code <strong class="code">{{incentive.code}}</strong> at checkout.</p>
<p class="muted">Valid until {{incentive.expires}}.</p>
</section>
{{/if}}
<a class="button" href="{{checkoutUrl}}" rel="noreferrer">Continue to checkout</a>
<section class="card" aria-labelledby="items-title">
<h2 id="items-title">Your items</h2>
<ul class="items">
{{#each items}}
<li class="item">
{{#if image}}<img src="{{image}}" alt="{{title}}" width="64" height="64" loading="lazy" referrerpolicy="no-referrer">{{else}}<span class="ph" aria-hidden="true"></span>{{/if}}
<div class="info">
<p class="title">{{title}}</p>
<p class="muted">Qty {{quantity}} · {{unitPrice}} each{{#if previousPrice}} <span class="was">(was <del>{{previousPrice}}</del>)</span>{{/if}}</p>
{{#if outOfStock}}<p class="oos">Out of stock</p>{{else}}<p class="ok">In stock</p>{{/if}}
</div>
{{#unless outOfStock}}<p class="line">{{lineTotal}}</p>{{/unless}}
</li>
{{/each}}
</ul>
{{#if moreItemsText}}<p class="muted">{{moreItemsText}}</p>{{/if}}
<dl class="totals"><dt>Total</dt><dd>{{total}}</dd></dl>
{{#if unavailableCount}}<p class="muted">Out-of-stock items are not included in the total.</p>{{/if}}
{{#if incentive}}<p class="muted">Your code is applied at checkout.</p>{{/if}}
</section>
{{#if trust}}
<section class="card trust" aria-labelledby="trust-title">
<h2 id="trust-title">Shopping with {{storeName}}</h2>
<dl>
{{#if delivery}}<dt>Delivery</dt><dd>{{delivery}}</dd>{{/if}}
{{#if returns}}<dt>Returns</dt><dd>{{returns}}</dd>{{/if}}
{{#if support}}<dt>Help</dt><dd>{{support}}</dd>{{/if}}
</dl>
</section>
{{/if}}
<footer>Prices and availability as last updated by {{storeName}}; the checkout has the final word.</footer>`;

export const ORDER_COMPLETE_BODY = `<section class="card">
<p class="store">{{storeName}}</p>
<h1>Your order is complete</h1>
<p>Thank you! This cart has already been ordered, so there is nothing left to check out.</p>
</section>
{{#if storeHome}}<a class="button" href="{{storeHome}}" rel="noreferrer">Go to {{storeName}}</a>{{/if}}`;

export const ERROR_BODY = `<section class="card">
{{#if storeName}}<p class="store">{{storeName}}</p>{{/if}}
<h1>{{heading}}</h1>
<p>{{message}}</p>
</section>
{{#if storeHome}}<a class="button" href="{{storeHome}}" rel="noreferrer">Go to {{#if storeName}}{{storeName}}{{else}}the store{{/if}}</a>{{/if}}`;
