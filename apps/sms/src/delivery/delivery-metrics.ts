import { Counter, register } from 'prom-client';

const NAME = 'reclaim_sms_deliveries_total';

/** Deliveries this service reported, by status and reason kind (the reason up to its first ":", so labels stay bounded). */
export const deliveriesReported =
  (register.getSingleMetric(NAME) as Counter<'status' | 'reason'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Deliveries reported by the sms service, by status and reason.',
    labelNames: ['status', 'reason'],
  });

export function countDelivery(status: string, reason: string | null | undefined): void {
  deliveriesReported.inc({ status, reason: (reason ?? '').split(':')[0] ?? '' });
}
