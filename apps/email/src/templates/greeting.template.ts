/**
 * The greeting of the text part: "Hi Ann," on a line of its own, then the email's first sentence
 * (which starts with a capital); no first name, no greeting. The HTML says the same in its own
 * paragraph (`mjml/<template>.mjml`).
 */
export const GREETING_TEXT = `{{#if firstName}}Hi {{{firstName}}},

{{/if}}`;
