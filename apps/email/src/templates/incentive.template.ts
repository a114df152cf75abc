import type { PlannedTouch } from '@reclaim/contracts';
import { ANGLE_NOTE_HTML, ANGLE_NOTE_TEXT } from './angle-note.template';

/** Email 3 (48–72 h): the incentive, only planned for eligible shoppers; the planned angle as a note. */
export const INCENTIVE = {
  subject: '{{offer}} on your {{firstTitle}}',
  cta: 'Claim your offer',
  html: `<h1 style="font-size:24px;margin:0 0 16px">{{offer}}, just for you</h1>
<p style="font-size:16px;line-height:1.5">{{#if firstName}}Hi {{firstName}}, {{/if}}{{offerDetail}}</p>
${ANGLE_NOTE_HTML}`,
  text: `{{{offer}}}, just for you

{{#if firstName}}Hi {{{firstName}}}, {{/if}}{{{offerDetail}}}${ANGLE_NOTE_TEXT}`,
} as const;

export function offerFor(incentive: PlannedTouch['incentive']): { offer: string; offerDetail: string } {
  switch (incentive) {
    case 'percent_10':
      return { offer: '10% off', offerDetail: 'Complete your order in the next few days and take 10% off.' };
    case 'free_shipping':
      return { offer: 'Free shipping', offerDetail: 'Complete your order in the next few days and shipping is on us.' };
    case 'none':
      return { offer: 'A reminder', offerDetail: 'Your cart is still saved and ready when you are.' };
  }
}
