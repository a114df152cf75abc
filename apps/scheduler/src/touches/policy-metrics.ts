import { Counter, register } from 'prom-client';

const NAME = 'reclaim_scheduler_policy_decisions_total';

/** What the scheduler policies did with due touches: deferred (with the first reason) or skipped (reason kind). */
export const policyDecisions =
  (register.getSingleMetric(NAME) as Counter<'decision' | 'channel' | 'reason'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Due touches the scheduler policies deferred or skipped, by channel and reason.',
    labelNames: ['decision', 'channel', 'reason'],
  });

export function countPolicyDecision(decision: 'deferred' | 'skipped', channel: string, reason: string): void {
  // Reasons are a closed set; a stale skip is counted under its cause (stale_after_deferral:quiet_hours → stale_after_deferral).
  policyDecisions.inc({ decision, channel, reason: reason.split(':')[0] ?? reason });
}
