import type { CartSnapshot } from '@reclaim/contracts';
import { stockView } from './stock';

const cart = (items: CartSnapshot['items']): CartSnapshot => ({
  currency: 'EUR',
  value: items.reduce((s, i) => s + i.quantity * i.unitPrice, 0),
  items,
});

describe(stockView.name, () => {
  it('names the first buyable product and totals only what can be bought', () => {
    const sut = stockView(
      cart([
        { sku: 'a', title: 'Sold-out Boots', quantity: 1, unitPrice: 15900, inStock: false },
        { sku: 'b', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 },
        { sku: 'c', title: 'Cap', quantity: 1, unitPrice: 2900, inStock: true },
      ]),
    );
    expect(sut?.headline.title).toBe('Linen Shirt');
    expect(sut?.buyableTotal).toBe(11900);
    expect(sut?.someOutOfStock).toBe(true);
  });

  it('treats items without stock information as buyable', () => {
    expect(stockView(cart([{ sku: 'a', title: 'Mug', quantity: 1, unitPrice: 1800 }]))).toEqual({
      headline: expect.objectContaining({ title: 'Mug' }),
      buyableTotal: 1800,
      someOutOfStock: false,
    });
  });

  it('has nothing to show when every item is out of stock', () => {
    expect(
      stockView(cart([{ sku: 'a', title: 'Boots', quantity: 1, unitPrice: 100, inStock: false }])),
    ).toBeUndefined();
  });
});
