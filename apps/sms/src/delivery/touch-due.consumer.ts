import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { parseRecord, type IncomingRecord } from '@reclaim/kafka';
import { SmsDeliveryService } from './sms-delivery.service';

@Controller()
export class TouchDueConsumer {
  constructor(private readonly delivery: SmsDeliveryService) {}

  @EventPattern(Topics.touchesSms.name)
  async onTouchDue(@Payload() record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.touchSms, record);
    if (payload.channel !== 'sms')
      throw new InvalidInputError(`touch ${payload.touchId} is for ${payload.channel}, not sms`);
    await this.delivery.deliver(payload);
  }
}
