import type { PlannedTouch } from '@reclaim/contracts';
import { ANGLE_NOTE_TEXT } from './angle-note.template';
import { GREETING_TEXT } from './greeting.template';

/**
 * Email 3 (48–72 h): the incentive, only planned for eligible shoppers; the planned angle as a
 * note. HTML: `mjml/incentive.mjml`.
 */
export const INCENTIVE = {
  subject: '{{offer}} on your {{firstTitle}}',
  preheader: '{{offerPreheader}}',
  cta: 'Claim your offer',
  text: `{{{offer}}}, just for you

${GREETING_TEXT}{{{offerDetail}}}${ANGLE_NOTE_TEXT}`,
} as const;

export function offerFor(incentive: PlannedTouch['incentive']): {
  offer: string;
  offerDetail: string;
  offerPreheader: string;
} {
  switch (incentive) {
    case 'percent_10':
      return {
        offer: '10% off',
        offerDetail: 'Complete your order in the next few days and take 10% off.',
        offerPreheader: 'Take 10% off your cart for the next few days.',
      };
    case 'free_shipping':
      return {
        offer: 'Free shipping',
        offerDetail: 'Complete your order in the next few days and shipping is on us.',
        offerPreheader: 'Free shipping on your cart for the next few days.',
      };
    case 'none':
      return {
        offer: 'A reminder',
        offerDetail: 'Your cart is still saved and ready when you are.',
        offerPreheader: 'The items you picked are still in your cart.',
      };
  }
}
