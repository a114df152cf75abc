import { Injectable } from '@nestjs/common';
import { SendLedgerRepository } from '@reclaim/delivery';

/** The shared send ledger, plus what SMS status callbacks add to a sent message's row. */
@Injectable()
export class SmsSendLedgerRepository extends SendLedgerRepository {
  /** The provider's later word on a sent message (status callback); the ledger status stays final. */
  async recordProviderStatus(touchId: string, status: string, errorCode: string | undefined): Promise<void> {
    await this.query(
      `UPDATE send_ledger SET provider_status = $2, provider_error_code = COALESCE($3, provider_error_code), updated_at = now()
       WHERE touch_id = $1`,
      [touchId, status, errorCode ?? null],
    );
  }
}
