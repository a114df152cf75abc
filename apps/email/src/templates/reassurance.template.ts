import type { RecoveryAngle } from '@reclaim/contracts';

/** Email 2 (about 24 h): a reassurance angle chosen by segment (returns, delivery, support, reviews). */
export const REASSURANCE = {
  subject: 'Still thinking about your {{firstTitle}}?',
  cta: 'Complete your order',
  html: `<h1 style="font-size:24px;margin:0 0 16px">{{angle.headline}}</h1>
<p style="font-size:16px;line-height:1.5">{{#if firstName}}Hi {{firstName}}, {{/if}}{{angle.body}}</p>`,
  text: `{{{angle.headline}}}

{{#if firstName}}Hi {{{firstName}}}, {{/if}}{{{angle.body}}}`,
} as const;

export interface ReassuranceAngle {
  headline: string;
  body: string;
}

const ANGLES: Record<RecoveryAngle, ReassuranceAngle> = {
  payment_options: {
    headline: 'More ways to pay',
    body: 'If your payment did not go through, you can pay by card, PayPal or bank transfer — and our team is here if anything gets stuck.',
  },
  shipping_clarity: {
    headline: 'No surprises at checkout',
    body: 'Shipping costs and delivery dates are shown before you pay, so you know exactly what to expect.',
  },
  returns: {
    headline: 'Free, easy returns',
    body: 'Not sure it is right? Returns are free and simple, so you can decide at home.',
  },
  delivery: {
    headline: 'Fast, tracked delivery',
    body: 'Your items ship quickly and you can follow the parcel every step of the way.',
  },
  support: {
    headline: 'We are here to help',
    body: 'Had trouble at checkout? Reply to this email and a real person will help you finish your order.',
  },
  reviews: {
    headline: 'Loved by our customers',
    body: 'Shoppers who bought these items rate them highly. Your cart is still waiting for you.',
  },
};

/**
 * The planned angle when the touch carries one (segmentation chose it from the shopper's
 * signals); otherwise one picked from the segment name: a checkout problem gets support, and so on.
 */
export function reassuranceAngleFor(segment: string, planned?: RecoveryAngle): ReassuranceAngle {
  if (planned) return ANGLES[planned];
  const s = segment.toLowerCase();
  if (/error|payment|checkout|support/.test(s)) return ANGLES.support;
  if (/return/.test(s)) return ANGLES.returns;
  if (/deliver|shipping/.test(s)) return ANGLES.delivery;
  return ANGLES.reviews;
}
