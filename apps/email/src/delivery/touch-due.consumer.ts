import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { parseRecord, type IncomingRecord } from '@reclaim/kafka';
import { EmailDeliveryService } from './email-delivery.service';

@Controller()
export class TouchDueConsumer {
  constructor(private readonly delivery: EmailDeliveryService) {}

  @EventPattern(Topics.touchesEmail.name)
  async onTouchDue(@Payload() record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.touchEmail, record);
    if (payload.channel !== 'email')
      throw new InvalidInputError(`touch ${payload.touchId} is for ${payload.channel}, not email`);
    await this.delivery.deliver(payload);
  }
}
