/**
 * The planned angle as a short note under the opening of emails 1 and 3 (email 2 leads with it).
 * `{{ }}` escapes the store's copy in HTML; the text part is not HTML.
 */
export const ANGLE_NOTE_HTML = `{{#if angle}}
<p style="font-size:15px;line-height:1.5;margin:16px 0 0;padding:12px 16px;background:#fafafa;border-left:3px solid #18181b"><strong>{{angle.headline}}</strong><br>{{angle.body}}</p>
{{/if}}`;

export const ANGLE_NOTE_TEXT = `{{#if angle}}

{{{angle.headline}}}: {{{angle.body}}}{{/if}}`;
