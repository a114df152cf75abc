/**
 * The frame of every message's text part around the template's own text. The HTML frame is MJML
 * (`mjml/parts/`), compiled at build time into `compiled-html.generated.ts`
 * (tools/email-templates/compile.ts; docs/adr/0009-responsive-email-with-mjml.md). Subject and
 * text are not HTML: they are compiled without escaping.
 */
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
