import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { parseRecord, type IncomingRecord } from '@reclaim/kafka';
import { IncentiveSettlementService } from './incentive-settlement.service';

/** Touch outcomes settle the incentive ledger (what counts against the incentive cooldown). */
@Controller()
export class IncentiveDeliveriesConsumer {
  constructor(private readonly settlement: IncentiveSettlementService) {}

  @EventPattern(Topics.deliveries.name)
  async onDelivery(@Payload() record: IncomingRecord): Promise<void> {
    const { payload, cloudEvent } = parseRecord(Contracts.delivery, record);
    await this.settlement.settle(cloudEvent.id, payload);
  }
}
