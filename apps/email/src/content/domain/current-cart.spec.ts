import type { CartSnapshot } from '@reclaim/contracts';
import { withCurrentFacts, type ProductFact } from './current-cart';
import { stockView } from './stock';

const cart = (items: CartSnapshot['items'], currency = 'EUR'): CartSnapshot => ({
  currency,
  value: items.reduce((s, i) => s + i.quantity * i.unitPrice, 0),
  items,
});
const shirt = { sku: 'LS-1', productId: 'shirt', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 };
const boots = { sku: 'B-42', productId: 'boots', title: 'Chelsea Boots', quantity: 1, unitPrice: 15900 };
const mug = { sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1800 };
const facts = (entries: Record<string, ProductFact>) => new Map(Object.entries(entries));

describe(withCurrentFacts.name, () => {
  it('marks an item whose product sold out since the snapshot, and leaves it out of the total', () => {
    const sut = withCurrentFacts(cart([shirt, boots]), facts({ boots: { inStock: false } }));
    expect(sut.items.map((i) => i.inStock)).toEqual([undefined, false]);
    expect(stockView(sut)).toEqual({
      headline: expect.objectContaining({ title: 'Linen Shirt' }),
      buyableTotal: 9000,
      someOutOfStock: true,
    });
  });

  it('names a buyable product when the first item sold out', () => {
    const sut = withCurrentFacts(cart([shirt, boots]), facts({ shirt: { inStock: false } }));
    expect(stockView(sut)?.headline.title).toBe('Chelsea Boots');
  });

  it('brings back an item that was out of stock in the snapshot and is in stock now', () => {
    const sut = withCurrentFacts(cart([{ ...boots, inStock: false }]), facts({ boots: { inStock: true } }));
    expect(stockView(sut)?.buyableTotal).toBe(15900);
  });

  it('has nothing buyable when every product sold out', () => {
    const sut = withCurrentFacts(cart([shirt, boots]), facts({ shirt: { inStock: false }, boots: { inStock: false } }));
    expect(stockView(sut)).toBeUndefined();
  });

  it('shows a price drop: the current price, the snapshot price kept as the one before, totals at the current price', () => {
    const sut = withCurrentFacts(cart([shirt, boots]), facts({ shirt: { unitPrice: 3900 } }));
    expect(sut.items[0]).toMatchObject({ unitPrice: 3900, priceBefore: 4500 });
    expect(sut.items[1]).not.toHaveProperty('priceBefore');
    expect(stockView(sut)?.buyableTotal).toBe(2 * 3900 + 15900);
  });

  it('uses a higher current price without calling it a drop', () => {
    const sut = withCurrentFacts(cart([shirt]), facts({ shirt: { unitPrice: 4900 } }));
    expect(sut.items[0]).toEqual({ ...shirt, unitPrice: 4900 });
  });

  it('applies a price only in the cart currency (a store-currency price has none)', () => {
    expect(withCurrentFacts(cart([shirt]), facts({ shirt: { unitPrice: 3900, currency: 'USD' } })).items[0]).toEqual(
      shirt,
    );
    expect(
      withCurrentFacts(cart([shirt]), facts({ shirt: { unitPrice: 3900, currency: 'EUR' } })).items[0]?.unitPrice,
    ).toBe(3900);
    expect(withCurrentFacts(cart([shirt]), facts({ shirt: { unitPrice: 3900 } })).items[0]?.unitPrice).toBe(3900);
  });

  it('keeps items without a productId or without facts as snapshotted', () => {
    const snapshot = cart([mug, { ...boots, inStock: false }]);
    expect(withCurrentFacts(snapshot, facts({ shirt: { inStock: false } }))).toEqual(snapshot);
  });
});
