import { Contracts, deadLetterTopicSpec, productKey, Topics, type StorefrontEventRecord } from '@reclaim/contracts';
import { newId } from '@reclaim/core';
import { topicFor } from '@reclaim/kafka';
import { collectTopics, pollUntil, SmtpCapture } from '@reclaim/testing';
import { ProductFactsConsumer } from '../src/products/product-facts.consumer';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

const STORE = 'store-1';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** The email service's own product facts, fed by storefront events, shape what goes out at send time. */
describe(ProductFactsConsumer.name, () => {
  let smtp: SmtpCapture;
  let t: EmailTestApp;

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    t = await startEmailApp('email-product-facts', smtp.url);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const publishEvents = (...records: StorefrontEventRecord[]) =>
    t.publisher.publish(Contracts.storefrontEvent, records);

  const productUpdated = (
    productId: string,
    occurredAt: string,
    product: { inStock?: boolean; unitPrice?: number },
    id = `pu-${newId()}`,
  ): StorefrontEventRecord => ({
    storeId: STORE,
    receivedAt: new Date().toISOString(),
    event: { id, type: 'product.updated', occurredAt, product: { productId, ...product } },
  });

  const fact = async (productId: string) =>
    (
      await t.sql(
        'SELECT in_stock, unit_price, price_currency FROM email.product_facts WHERE store_id = $1 AND product_id = $2',
        [STORE, productId],
      )
    )[0];

  const waitForFact = (productId: string, expected: Record<string, unknown>) =>
    pollUntil(
      async () => {
        const row = await fact(productId);
        return row !== undefined && Object.entries(expected).every(([k, v]) => row[k] === v) && row;
      },
      { description: `product fact ${productId} = ${JSON.stringify(expected)}` },
    );

  const waitForDelivery = (touchId: string, status: string) =>
    pollUntil(() => deliveriesOf(t, touchId).find((d) => d.status === status), {
      description: `a ${status} delivery for ${touchId}`,
    });

  /** A two-item snapshot, both in stock at their snapshot prices; product ids unique to the test. */
  const twoItemTouch = (over: Parameters<typeof emailTouch>[0] = {}) => {
    const id = newId().slice(0, 8);
    const boots = `boots-${id}`;
    const shirt = `shirt-${id}`;
    const touch = emailTouch({
      cart: {
        currency: 'EUR',
        value: 24900,
        items: [
          { sku: 'B-42', productId: boots, title: 'Chelsea Boots', quantity: 1, unitPrice: 15900, inStock: true },
          { sku: 'LS-1', productId: shirt, title: 'Linen Shirt', quantity: 2, unitPrice: 4500, inStock: true },
        ],
      },
      ...over,
    });
    return { touch, boots, shirt };
  };

  it('shows an item sold out and a price drop announced after the snapshot in the email that goes out', async () => {
    const { touch, boots, shirt } = twoItemTouch();
    await publishEvents(
      productUpdated(boots, minutesAgo(1), { inStock: false }),
      productUpdated(shirt, minutesAgo(1), { unitPrice: 3900 }),
    );
    await waitForFact(boots, { in_stock: false });
    await waitForFact(shirt, { unit_price: '3900', price_currency: null });

    await publishTouch(t, touch);
    const email = touch.customer.email!;
    const [mail] = await pollUntil(() => smtp.to(email).length > 0 && smtp.to(email), { description: 'the email' });
    expect(mail!.mail.subject).toBe('Your Linen Shirt is still here'); // the snapshot's first item sold out
    expect(mail!.mail.text).toContain('- Chelsea Boots (sold out) — 1 × €159.00\n');
    expect(mail!.mail.text).toContain('- Linen Shirt — 2 × €39.00 (price dropped, was €45.00) = €78.00');
    expect(mail!.mail.text).toContain('Total: €78.00 (sold-out items not included)');
    expect(mail!.mail.html).toContain('<s>€45.00</s> <strong class="rc-drop" style="color:#15803d">€39.00</strong>');
    expect(mail!.mail.html).toContain('Sold out');
    await waitForDelivery(touch.touchId, 'sent');
  });

  it('keeps the newest fact per field: an absent field leaves the known value, a replayed older event does not win', async () => {
    const { touch, boots } = twoItemTouch();
    const older = productUpdated(boots, minutesAgo(10), { inStock: true, unitPrice: 16900 });
    await publishEvents(older, productUpdated(boots, minutesAgo(5), { inStock: false }));
    await waitForFact(boots, { in_stock: false, unit_price: '16900' }); // the newer event said nothing about the price

    // The older event again (a replay), then a newer price on the same key (same partition, read after the
    // replay): once that price shows, the replay has been applied.
    await publishEvents(older, productUpdated(boots, minutesAgo(1), { unitPrice: 14900 }));
    await waitForFact(boots, { unit_price: '14900' });
    expect(await fact(boots)).toMatchObject({ in_stock: false });

    await publishTouch(t, touch);
    const [mail] = await pollUntil(() => smtp.to(touch.customer.email!).length > 0 && smtp.to(touch.customer.email!), {
      description: 'the email',
    });
    expect(mail!.mail.text).toContain('- Chelsea Boots (sold out) — 1 × €149.00 (price dropped, was €159.00)\n');
    expect(mail!.mail.text).toContain('Total: €90.00 (sold-out items not included)');
  });

  it('skips a touch whose every item sold out since the snapshot: nothing_in_stock, no email, no code', async () => {
    const { touch, boots, shirt } = twoItemTouch({ template: 'incentive', sequence: 3, incentive: 'percent_10' });
    await publishEvents(
      productUpdated(boots, minutesAgo(1), { inStock: false }),
      productUpdated(shirt, minutesAgo(1), { inStock: false }),
    );
    await waitForFact(boots, { in_stock: false });
    await waitForFact(shirt, { in_stock: false });

    await publishTouch(t, touch);
    const delivery = await waitForDelivery(touch.touchId, 'skipped');
    expect(delivery.reason).toBe('nothing_in_stock');
    const published = t.deliveries.find((r) => (r.value as { touchId?: string }).touchId === touch.touchId);
    expect(published?.topic).toBe(topicFor(t.settings, Topics.deliveries.name));
    expect(smtp.to(touch.customer.email!)).toHaveLength(0);
    expect(await t.sql('SELECT 1 FROM email.incentive_codes WHERE touch_id = $1', [touch.touchId])).toHaveLength(0);
  });

  it('records item facts from cart events (prices in the cart currency)', async () => {
    const vase = `vase-${newId().slice(0, 8)}`;
    await publishEvents({
      storeId: STORE,
      receivedAt: new Date().toISOString(),
      event: {
        id: `cu-${newId()}`,
        type: 'cart.updated',
        occurredAt: minutesAgo(1),
        cartId: `other-cart-${newId().slice(0, 8)}`,
        cart: {
          currency: 'EUR',
          items: [{ sku: 'V-1', productId: vase, title: 'Vase', quantity: 1, unitPrice: 2500, inStock: false }],
        },
      },
    });
    await waitForFact(vase, { in_stock: false, unit_price: '2500', price_currency: 'EUR' });
  });

  it('dead-letters an unreadable storefront record with the reason and goes on', async () => {
    const dlq = await collectTopics(t.kafka, [topicFor(t.settings, deadLetterTopicSpec('email').name)]);
    const producer = t.kafka.producer();
    await producer.connect();
    try {
      const lamp = `lamp-${newId().slice(0, 8)}`;
      await producer.send({
        topic: topicFor(t.settings, Topics.storefrontEvents.name),
        messages: [{ key: productKey(STORE, lamp), value: 'not an event' }],
      });
      await publishEvents(productUpdated(lamp, minutesAgo(1), { inStock: false }));
      await waitForFact(lamp, { in_stock: false }); // same key, after the bad record: the consumer went on
      const dead = await pollUntil(() => dlq.records.find((r) => r.key === productKey(STORE, lamp)), {
        description: 'the dead-lettered record',
      });
      expect(dead.value).toBe('not an event');
      expect(dead.headers['x-reclaim-dlq-group']).toBe(`${t.settings.topicPrefix}${ProductFactsConsumer.groupId}`);
      expect(dead.headers['x-reclaim-dlq-reason']).toMatch(/CloudEvents headers/);
    } finally {
      await producer.disconnect();
      await dlq.stop();
    }
  });
});
