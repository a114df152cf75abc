import { ANGLE_NOTE_HTML, ANGLE_NOTE_TEXT } from './angle-note.template';

/** Email 1 (about 1 h): a short reminder, no discount, the subject names the product; the planned angle as a note. */
export const REMINDER = {
  subject: 'Your {{firstTitle}} is still here',
  cta: 'Return to your cart',
  html: `<h1 style="font-size:24px;margin:0 0 16px">You left something behind</h1>
<p style="font-size:16px;line-height:1.5">{{#if firstName}}Hi {{firstName}}, your{{else}}Your{{/if}} cart is saved — pick up right where you left off.</p>
${ANGLE_NOTE_HTML}`,
  text: `{{#if firstName}}Hi {{{firstName}}}, your{{else}}Your{{/if}} cart is saved — pick up right where you left off.${ANGLE_NOTE_TEXT}`,
} as const;
