import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { parseRecord, type IncomingRecord } from '@reclaim/kafka';
import { PushDeliveryService } from './push-delivery.service';

@Controller()
export class TouchDueConsumer {
  constructor(private readonly delivery: PushDeliveryService) {}

  @EventPattern(Topics.touchesPush.name)
  async onTouchDue(@Payload() record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.touchPush, record);
    if (payload.channel !== 'push')
      throw new InvalidInputError(`touch ${payload.touchId} is for ${payload.channel}, not push`);
    await this.delivery.deliver(payload);
  }
}
