import type { StorefrontEvent } from '@reclaim/contracts';
import { productObservations } from './product-observations';

const at = '2026-01-02T10:00:00.000Z';
const event = (over: Partial<StorefrontEvent>): StorefrontEvent => ({
  id: 'e1',
  type: 'cart.updated',
  occurredAt: at,
  cartId: 'c1',
  ...over,
});

describe(productObservations.name, () => {
  it('reads stock and price from product.updated, with no currency (the store’s)', () => {
    expect(
      productObservations(
        event({
          type: 'product.updated',
          cartId: undefined,
          product: { productId: 'p1', inStock: false, unitPrice: 3900 },
        }),
      ),
    ).toEqual([{ productId: 'p1', occurredAt: at, inStock: false, unitPrice: 3900 }]);
  });

  it('leaves out what product.updated does not state', () => {
    expect(
      productObservations(
        event({ type: 'product.updated', cartId: undefined, product: { productId: 'p1', inStock: true } }),
      ),
    ).toEqual([{ productId: 'p1', occurredAt: at, inStock: true }]);
    expect(
      productObservations(event({ type: 'product.updated', cartId: undefined, product: { productId: 'p1' } })),
    ).toEqual([]);
  });

  it('reads the items of a cart event that name a product, with the cart currency for prices', () => {
    const sut = productObservations(
      event({
        cart: {
          currency: 'EUR',
          items: [
            { sku: 'LS-M', productId: 'shirt', title: 'Linen Shirt', quantity: 1, unitPrice: 4500, inStock: true },
            { sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1800 }, // no productId: nothing to key it by
            { sku: 'CAP', productId: 'cap', title: 'Cap', quantity: 1, unitPrice: 2900 },
          ],
        },
      }),
    );
    expect(sut).toEqual([
      { productId: 'shirt', occurredAt: at, inStock: true, unitPrice: 4500, currency: 'EUR' },
      { productId: 'cap', occurredAt: at, unitPrice: 2900, currency: 'EUR' },
    ]);
  });

  it('states nothing about a field on which two items of one product disagree', () => {
    const sut = productObservations(
      event({
        cart: {
          currency: 'EUR',
          items: [
            { sku: 'LS-S', productId: 'shirt', title: 'Linen Shirt S', quantity: 1, unitPrice: 4000, inStock: false },
            { sku: 'LS-XL', productId: 'shirt', title: 'Linen Shirt XL', quantity: 1, unitPrice: 4500, inStock: false },
          ],
        },
      }),
    );
    expect(sut).toEqual([{ productId: 'shirt', occurredAt: at, inStock: false }]);
  });

  it('finds nothing in events without a cart or product', () => {
    expect(productObservations(event({ type: 'cart.viewed' }))).toEqual([]);
    expect(
      productObservations(event({ type: 'order.completed', order: { id: 'o1', total: 1, currency: 'EUR' } })),
    ).toEqual([]);
  });
});
