import { Injectable } from '@nestjs/common';
import { SendLedgerRepository, type HandedOverTouch } from '@reclaim/delivery';

/** A message this service handed to SMTP, and the address it went to (unknown on rows from before it was kept). */
export interface HandedOverEmail extends HandedOverTouch {
  recipient: string | null;
}

/**
 * The shared send ledger, plus the column only the email ledger has: the address each message
 * went to (written by delivery when it starts sending), which a later bounce or complaint stops.
 */
@Injectable()
export class EmailSendLedgerRepository extends SendLedgerRepository {
  /** The touch's row when a message of it was handed to SMTP: `sent`, or `unknown` (possibly sent). */
  async findHandedOver(touchId: string): Promise<HandedOverEmail | undefined> {
    const rows: Array<{
      touch_id: string;
      abandonment_id: string;
      store_id: string;
      cart_id: string;
      sequence: number;
      provider_message_id: string | null;
      recipient: string | null;
    }> = await this.query(
      `SELECT touch_id, abandonment_id, store_id, cart_id, sequence, provider_message_id, recipient
         FROM send_ledger WHERE touch_id = $1 AND status IN ('sent', 'unknown')`,
      [touchId],
    );
    const row = rows[0];
    return (
      row && {
        touchId: row.touch_id,
        abandonmentId: row.abandonment_id,
        storeId: row.store_id,
        cartId: row.cart_id,
        sequence: row.sequence,
        providerMessageId: row.provider_message_id,
        recipient: row.recipient,
      }
    );
  }
}
