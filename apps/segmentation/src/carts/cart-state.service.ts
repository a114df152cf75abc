import { Injectable } from '@nestjs/common';
import { Contracts, type StorefrontEventRecord } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { claimInbox } from '@reclaim/persistence';
import { CartStateRepository } from './cart-state.repository';
import { applyEvent, newCartState, pauseCausedBy } from './domain/cart-state';

export const CART_STATE_CONSUMER = 'cart-state';

@Injectable()
export class CartStateService {
  constructor(
    private readonly carts: CartStateRepository,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Applies a storefront event exactly once: the inbox claim and the state change commit
   * together, so a redelivered record (same CloudEvent id) changes nothing. Activity on an
   * abandoned cart re-arms detection and publishes the pause of its live sequence before the
   * commit (a crash in between re-applies the event and republishes the same pause id).
   */
  async record(eventId: string, record: StorefrontEventRecord): Promise<void> {
    const { storeId, event } = record;
    await this.carts.transaction(async (tx) => {
      if (!(await claimInbox(tx, CART_STATE_CONSUMER, eventId))) return;
      if (event.type === 'product.updated') {
        if (event.product) await this.carts.recordProduct(tx, storeId, event.product, new Date(event.occurredAt));
        return;
      }
      if (!event.cartId) throw new InvalidInputError(`${event.type} event ${event.id} has no cartId`);
      const current = (await this.carts.lockCart(tx, storeId, event.cartId)) ?? newCartState(storeId, event.cartId);
      const next = applyEvent(current, event);
      const pause = pauseCausedBy(current, next, event);
      if (pause) await this.publisher.publish(Contracts.abandonmentPaused, [pause]);
      await this.carts.saveCart(tx, next);
    });
  }
}
