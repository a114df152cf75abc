/**
 * The planned angle as a short note under the opening of emails 1 and 3 (email 2 leads with it),
 * in the text part. Its HTML is `mjml/parts/angle-note.mjml`. The text part is not HTML.
 */
export const ANGLE_NOTE_TEXT = `{{#if angle}}

{{{angle.headline}}}: {{{angle.body}}}{{/if}}`;
