import { ANGLE_NOTE_TEXT } from './angle-note.template';
import { GREETING_TEXT } from './greeting.template';

/**
 * Email 1 (about 1 h): a short reminder, no discount, the subject names the product; the planned
 * angle as a note. HTML: `mjml/reminder.mjml`.
 */
export const REMINDER = {
  subject: 'Your {{firstTitle}} is still here',
  preheader: 'The items you picked are still in your cart.',
  cta: 'Return to your cart',
  text: `You left something behind

${GREETING_TEXT}Your cart is saved — pick up right where you left off.${ANGLE_NOTE_TEXT}`,
} as const;
