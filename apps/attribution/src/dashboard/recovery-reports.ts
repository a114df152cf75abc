import type { RecoveryReport } from '../reports/recovery-report';

/** Where the dashboard gets its report: the reports service (apps/attribution/src/reports). */
export interface RecoveryReports {
  recovery(storeId: string, period: { from: Date; to: Date }): Promise<RecoveryReport>;
}

export const DASHBOARD_REPORTS = Symbol('DASHBOARD_REPORTS');
