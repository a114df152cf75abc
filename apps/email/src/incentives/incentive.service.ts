import { Inject, Injectable } from '@nestjs/common';
import { Contracts, type TouchDue } from '@reclaim/contracts';
import { EventPublisher } from '@reclaim/kafka';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { newIncentiveCode } from './domain/incentive-code';
import { IncentiveCodesRepository, type IssuedCode } from './incentive-codes.repository';

/**
 * Issues the unique, single-use, expiring code a touch's plan asks for, once per touch, and
 * publishes it on reclaim.incentives.v1 so the store can register it before the email goes out.
 */
@Injectable()
export class IncentiveService {
  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly codes: IncentiveCodesRepository,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async codeFor(touch: TouchDue, now = new Date()): Promise<IssuedCode | undefined> {
    if (touch.incentive === 'none') return undefined;
    const issued = await this.codes.issueFor(
      {
        touchId: touch.touchId,
        storeId: touch.storeId,
        cartId: touch.cartId,
        customerId: touch.customer.id,
        email: touch.customer.email,
      },
      touch.incentive,
      newIncentiveCode(this.config.INCENTIVE_CODE_PREFIX),
      new Date(now.getTime() + this.config.INCENTIVE_CODE_TTL),
    );
    await this.publisher.publish(Contracts.incentive, [
      {
        code: issued.code,
        kind: issued.kind,
        singleUse: true,
        storeId: touch.storeId,
        cartId: touch.cartId,
        touchId: touch.touchId,
        customerId: touch.customer.id,
        email: touch.customer.email,
        issuedAt: issued.issuedAt.toISOString(),
        expiresAt: issued.expiresAt.toISOString(),
      },
    ]);
    return issued;
  }
}
