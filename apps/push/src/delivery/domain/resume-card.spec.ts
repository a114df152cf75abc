import { buildResumeCard, pushTopic } from './resume-card';

describe(buildResumeCard.name, () => {
  const sut = buildResumeCard;
  const touch = (items: Array<{ title: string; quantity?: number; imageUrl?: string }>) => ({
    storeId: 'store-1',
    cartId: 'cart-1',
    touchId: 'touch-1',
    cart: {
      currency: 'EUR',
      value: 1000,
      items: items.map((i, n) => ({ sku: `s${n}`, unitPrice: 500, quantity: 1, ...i })),
    },
  });
  const url = 'https://api.shop.example/r/token';

  it('names the first product in the title and carries the resume link, cart and touch', () => {
    const card = sut(touch([{ title: 'Chelsea Boots' }]), url);
    expect(card).toEqual({
      title: 'Still thinking about Chelsea Boots?',
      body: 'Chelsea Boots is saved in your cart. Tap to pick up where you left off.',
      url,
      cartId: 'cart-1',
      touchId: 'touch-1',
      tag: pushTopic('store-1', 'cart-1'),
    });
  });

  it('counts the other items and uses the first image any item has', () => {
    const card = sut(
      touch([{ title: 'Boots' }, { title: 'Shirt', quantity: 2, imageUrl: 'https://cdn.example/shirt.jpg' }]),
      url,
    );
    expect(card.body).toBe('Boots and 2 more items are saved in your cart. Tap to pick up where you left off.');
    expect(card.image).toBe('https://cdn.example/shirt.jpg');
  });

  it('shortens a long product title so the card fits a lock screen', () => {
    const card = sut(touch([{ title: `Super ${'long '.repeat(40)}name` }]), url);
    expect(card.title.length).toBeLessThanOrEqual('Still thinking about ?'.length + 60);
    expect(card.title).toMatch(/…\?$/);
  });

  it('cuts a long title between characters, never inside an emoji', () => {
    const card = sut(touch([{ title: `${'x'.repeat(58)}🧶🧶 yarn` }]), url);
    expect(card.title).toBe(`Still thinking about ${'x'.repeat(58)}🧶…?`);
    expect(card.body.startsWith(`${'x'.repeat(58)}🧶… is saved`)).toBe(true);
  });

  it('still says something for an empty cart', () => {
    expect(sut(touch([]), url)).toMatchObject({ title: 'Your cart is waiting', body: 'Pick up where you left off.' });
  });
});

describe(pushTopic.name, () => {
  const sut = pushTopic;

  it('is at most 32 URL-safe characters, as RFC 8030 allows', () => {
    const topic = sut('store-with-a-long-name', 'a-cart-id-that-is-much-longer-than-thirty-two-characters');
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  });

  it('is the same for the same cart and differs between carts and stores', () => {
    expect(sut('s', 'c1')).toBe(sut('s', 'c1'));
    expect(sut('s', 'c1')).not.toBe(sut('s', 'c2'));
    expect(sut('s1', 'c')).not.toBe(sut('s2', 'c'));
    expect(sut('a', 'bc')).not.toBe(sut('ab', 'c'));
  });

  it('does not reveal the cart id to the push service', () => {
    expect(sut('store', 'cart-123')).not.toContain('cart');
  });
});
