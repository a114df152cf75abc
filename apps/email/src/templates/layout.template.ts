/**
 * Shared HTML frame of every message. Handlebars `{{ }}` escapes; nothing user-supplied is ever
 * inserted with `{{{ }}}`. `{{{body}}}` is the already-rendered (escaped) template body. Item
 * images appear only for http(s) URLs (the renderer drops any other scheme), with the title as alt.
 */
export const LAYOUT_HTML = `<!doctype html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{{subject}}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#18181b">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px">
<tr><td style="padding:32px">
{{{body}}}
{{#if incentive}}
<p style="margin:24px 0;padding:16px;border:2px dashed #18181b;border-radius:6px;text-align:center;font-size:16px">
{{incentive.offer}} with code <strong style="font-family:monospace;font-size:20px;letter-spacing:1px">{{incentive.code}}</strong><br>
<span style="color:#71717a;font-size:13px">Single use, valid until {{incentive.expires}}.</span>
</p>
{{/if}}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:24px 0;border-collapse:collapse">
{{#each items}}
<tr>
{{#if @root.showImages}}<td width="92" valign="top" style="padding:8px 12px 8px 0;border-bottom:1px solid #e4e4e7">{{#if imageUrl}}<img src="{{imageUrl}}" alt="{{title}}" width="80" style="display:block;width:80px;max-width:80px;height:auto;border:0;border-radius:4px">{{/if}}</td>{{/if}}
<td valign="top" style="padding:8px 0;border-bottom:1px solid #e4e4e7">{{title}}{{#if soldOut}} <strong style="color:#b91c1c">Sold out</strong>{{/if}}<br><span style="color:#71717a">Qty {{quantity}} × {{#if priceBefore}}<s>{{priceBefore}}</s> <strong style="color:#15803d">{{unitPrice}}</strong> — price dropped{{else}}{{unitPrice}}{{/if}}</span></td>
<td align="right" valign="top" style="padding:8px 0;border-bottom:1px solid #e4e4e7">{{#if soldOut}}<s style="color:#a1a1aa">{{lineTotal}}</s>{{else}}{{lineTotal}}{{/if}}</td>
</tr>
{{/each}}
<tr>{{#if showImages}}<td></td>{{/if}}<td style="padding:8px 0"><strong>Total</strong>{{#if someOutOfStock}}<br><span style="color:#71717a;font-size:12px">Sold-out items are not included.</span>{{/if}}</td><td align="right" style="padding:8px 0"><strong>{{total}}</strong></td></tr>
</table>
<p style="text-align:center;margin:32px 0">
<a href="{{resumeUrl}}" style="display:inline-block;background:#18181b;color:#ffffff;text-decoration:none;font-size:18px;font-weight:bold;padding:16px 32px;border-radius:6px">{{cta}}</a>
</p>
{{#if trust}}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#fafafa;border-radius:6px"><tr><td style="padding:16px;font-size:14px;line-height:1.5;color:#3f3f46">
{{#if trust.returns}}<strong>Returns:</strong> {{trust.returns}}<br>{{/if}}
{{#if trust.supportEmail}}<strong>Questions?</strong> Write to <a href="mailto:{{trust.supportEmail}}" style="color:#3f3f46">{{trust.supportEmail}}</a>{{#if trust.supportPhone}} or call {{trust.supportPhone}}{{/if}}.{{else}}{{#if trust.supportPhone}}<strong>Questions?</strong> Call {{trust.supportPhone}}.{{/if}}{{/if}}
</td></tr></table>
{{/if}}
</td></tr>
<tr><td style="padding:16px 32px;color:#71717a;font-size:12px;border-top:1px solid #e4e4e7">
You are receiving this because you left items in your cart at {{storeName}}.
<a href="{{unsubscribeUrl}}" style="color:#71717a">Unsubscribe</a><br>
{{postalAddress}}
</td></tr>
</table>
</td></tr></table>
</body>
</html>`;

export const LAYOUT_TEXT = `{{{body}}}
{{#if incentive}}

{{{incentive.offer}}} with code {{{incentive.code}}} — single use, valid until {{{incentive.expires}}}.
{{/if}}

{{#each items}}
- {{{title}}}{{#if soldOut}} (sold out){{/if}} — {{quantity}} × {{{unitPrice}}}{{#if priceBefore}} (price dropped, was {{{priceBefore}}}){{/if}}{{#unless soldOut}} = {{{lineTotal}}}{{/unless}}
{{/each}}
Total: {{{total}}}{{#if someOutOfStock}} (sold-out items not included){{/if}}

{{{cta}}}: {{{resumeUrl}}}
{{#if trust}}
{{#if trust.returns}}Returns: {{{trust.returns}}}
{{/if}}{{#if trust.supportEmail}}Questions? {{{trust.supportEmail}}}{{#if trust.supportPhone}} / {{{trust.supportPhone}}}{{/if}}
{{else}}{{#if trust.supportPhone}}Questions? {{{trust.supportPhone}}}
{{/if}}{{/if}}{{/if}}

--
You are receiving this because you left items in your cart at {{{storeName}}}.
Unsubscribe: {{{unsubscribeUrl}}}
{{{postalAddress}}}
`;
