import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { parseRecord, type IncomingRecord } from '@reclaim/kafka';
import { CartStateService } from './cart-state.service';

@Controller()
export class CartEventsConsumer {
  constructor(private readonly carts: CartStateService) {}

  @EventPattern(Topics.storefrontEvents.name)
  async onStorefrontEvent(@Payload() record: IncomingRecord): Promise<void> {
    const { payload, cloudEvent } = parseRecord(Contracts.storefrontEvent, record);
    await this.carts.record(cloudEvent.id, payload);
  }
}
