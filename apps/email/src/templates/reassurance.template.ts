/**
 * Email 2 (about 24 h): leads with the reassurance angle — the planned one, or one picked from the
 * segment (copy: content/domain/email-content.ts, overridable per store by EMAIL_CONTENT_FILE).
 */
export const REASSURANCE = {
  subject: 'Still thinking about your {{firstTitle}}?',
  cta: 'Complete your order',
  html: `<h1 style="font-size:24px;margin:0 0 16px">{{angle.headline}}</h1>
<p style="font-size:16px;line-height:1.5">{{#if firstName}}Hi {{firstName}}, {{/if}}{{angle.body}}</p>`,
  text: `{{{angle.headline}}}

{{#if firstName}}Hi {{{firstName}}}, {{/if}}{{{angle.body}}}`,
} as const;
