import { GREETING_TEXT } from './greeting.template';

/**
 * Email 2 (about 24 h): leads with the reassurance angle — the planned one, or one picked from the
 * segment (copy: content/domain/email-content.ts, overridable per store by EMAIL_CONTENT_FILE).
 * HTML: `mjml/reassurance.mjml`.
 */
export const REASSURANCE = {
  subject: 'Still thinking about your {{firstTitle}}?',
  preheader: '{{angle.headline}} — and your cart is still saved.',
  cta: 'Complete your order',
  text: `{{{angle.headline}}}

${GREETING_TEXT}{{{angle.body}}}`,
} as const;
