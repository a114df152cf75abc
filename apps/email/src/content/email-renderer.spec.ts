import type { TouchDue } from '@reclaim/contracts';
import { withCurrentFacts } from './domain/current-cart';
import { EmailContent, parseEmailContent } from './domain/email-content';
import { EmailRenderer, resolveTemplate, safeImageUrl } from './email-renderer';

const touch = (over: Partial<TouchDue> = {}): TouchDue => ({
  touchId: 't1',
  abandonmentId: 'a1',
  storeId: 's1',
  cartId: 'c1',
  channel: 'email',
  sequence: 1,
  template: 'reminder',
  incentive: 'none',
  segment: 'first_time',
  customer: { email: 'ann@example.com', firstName: 'Ann' },
  cart: {
    currency: 'EUR',
    value: 11900,
    items: [
      { sku: 'LS-1', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 },
      { sku: 'CAP', title: 'Cap', quantity: 1, unitPrice: 2900, inStock: false },
    ],
  },
  dueAt: '2026-01-02T11:00:00.000Z',
  ...over,
});

const ctx = {
  resumeUrl: 'http://localhost:3000/r/abc.def',
  unsubscribeUrl: 'http://localhost:3003/unsubscribe/xyz.uvw',
  storeName: 'Demo Store',
  postalAddress: '1 Example Street, Sample City',
};

describe(EmailRenderer.name, () => {
  const sut = new EmailRenderer();
  const render = (...args: Parameters<EmailRenderer['render']>) => {
    const rendered = sut.render(...args);
    if (!rendered) throw new Error('expected a rendered email');
    return rendered;
  };

  it('names the first product in the reminder subject', () => {
    expect(render('reminder', touch(), ctx).subject).toBe('Your Linen Shirt is still here');
  });

  it('names the product in the other subjects too', () => {
    expect(render('reassurance', touch(), ctx).subject).toBe('Still thinking about your Linen Shirt?');
    expect(render('incentive', touch({ incentive: 'percent_10' }), ctx).subject).toBe('10% off on your Linen Shirt');
  });

  it('lists items with quantity and prices in the cart currency from minor units', () => {
    const { html, text } = render('reminder', touch(), ctx);
    expect(html).toContain('Linen Shirt');
    expect(html).toContain('Qty 2 × €45.00');
    expect(html).toContain('<strong>€90.00</strong>'); // the total leaves out the out-of-stock Cap
    expect(html).toContain('Cap <strong style="color:#b91c1c">Sold out</strong>');
    expect(html).toContain('Sold-out items are not included.');
    expect(text).toContain('- Linen Shirt — 2 × €45.00 = €90.00');
    expect(text).toContain('- Cap (sold out) — 1 × €29.00\n');
    expect(text).toContain('Total: €90.00 (sold-out items not included)');
  });

  it('escapes user-supplied text in HTML', () => {
    const evil = touch({
      customer: { email: 'a@b.co', firstName: '<img src=x onerror=alert(1)>' },
      cart: {
        currency: 'USD',
        value: 100,
        items: [{ sku: 'x', title: '<script>alert("x")</script>', quantity: 1, unitPrice: 100 }],
      },
    });
    const { html, subject } = render('reminder', evil, ctx);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(subject).toBe('Your <script>alert("x")</script> is still here'); // a header, not HTML: nodemailer encodes it
  });

  it('keeps the subject on one line', () => {
    const t = touch({
      cart: {
        currency: 'USD',
        value: 1,
        items: [{ sku: 'x', title: 'A\r\nBcc: x@evil.test', quantity: 1, unitPrice: 1 }],
      },
    });
    expect(render('reminder', t, ctx).subject).toBe('Your A Bcc: x@evil.test is still here');
  });

  it('has a prominent resume link, the unsubscribe link and the postal address', () => {
    const { html, text } = render('reminder', touch(), ctx);
    expect(html).toContain(`href="${ctx.resumeUrl.replace('=', '&#x3D;')}"`);
    expect(html).toContain('Return to your cart');
    expect(html).toContain(ctx.unsubscribeUrl);
    expect(html).toContain(ctx.postalAddress);
    expect(text).toContain(`Return to your cart: ${ctx.resumeUrl}`);
    expect(text).toContain(ctx.postalAddress);
  });

  it('greets by first name when known', () => {
    expect(render('reminder', touch(), ctx).text).toContain('Hi Ann, your cart is saved');
    expect(render('reminder', touch({ customer: {} }), ctx).text).toContain('Your cart is saved');
  });

  it('picks the reassurance angle from the segment', () => {
    expect(render('reassurance', touch({ segment: 'checkout_error' }), ctx).text).toContain('We are here to help');
  });
});

describe(resolveTemplate.name, () => {
  it('accepts our names with a channel prefix or a suffix', () => {
    expect(resolveTemplate('reminder')).toBe('reminder');
    expect(resolveTemplate('email.reassurance')).toBe('reassurance');
    expect(resolveTemplate('email-incentive-3')).toBe('incentive');
    expect(resolveTemplate('sms-nudge')).toBeUndefined();
  });
});

describe(`${EmailRenderer.name} stock and trust`, () => {
  const sut = new EmailRenderer();
  const render = (...args: Parameters<EmailRenderer['render']>) => {
    const rendered = sut.render(...args);
    if (!rendered) throw new Error('expected a rendered email');
    return rendered;
  };

  it('names the first product that can still be bought and totals only buyable items', () => {
    const out = render(
      'reminder',
      touch({
        cart: {
          currency: 'EUR',
          value: 20400,
          items: [
            { sku: 'B', title: 'Chelsea Boots', quantity: 1, unitPrice: 15900, inStock: false },
            { sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4500 },
          ],
        },
      }),
      ctx,
    );
    expect(out.subject).toBe('Your Linen Shirt is still here');
    expect(out.text).toContain('Chelsea Boots (sold out)');
    expect(out.text).toContain('Total: €45.00 (sold-out items not included)');
  });

  it('renders nothing when no item can be bought any more', () => {
    const soldOut = touch({
      cart: {
        currency: 'EUR',
        value: 100,
        items: [{ sku: 'B', title: 'Boots', quantity: 1, unitPrice: 100, inStock: false }],
      },
    });
    expect(sut.render('reminder', soldOut, ctx)).toBeUndefined();
  });

  it('shows the store trust block, escaped', () => {
    const out = render('reassurance', touch(), {
      ...ctx,
      trust: {
        returns: 'Free returns <b>30 days</b>',
        supportEmail: 'help@shop.example',
        supportPhone: '+33 1 23 45 67 89',
      },
    });
    expect(out.html).toContain('Free returns &lt;b&gt;30 days&lt;/b&gt;');
    expect(out.html).toContain('mailto:help@shop.example');
    expect(out.text).toContain('Questions? help@shop.example / +33 1 23 45 67 89');
  });

  it('leaves the trust block out when the store configured none', () => {
    const out = render('reminder', touch(), { ...ctx, trust: { returns: '', supportEmail: '', supportPhone: '' } });
    expect(out.text).not.toContain('Returns:');
    expect(out.html).not.toContain('Questions?');
  });

  it("shows the incentive code and its expiry in the shopper's time zone only when the touch carries one", () => {
    const withCode = render(
      'incentive',
      touch({ incentive: 'percent_10', customer: { email: 'a@b.co', timezone: 'Europe/Paris' } }),
      {
        ...ctx,
        incentive: { code: 'RC-7K2Q-MX9D', expiresAt: new Date('2026-01-05T11:00:00Z') },
      },
    );
    expect(withCode.subject).toBe('10% off on your Linen Shirt');
    expect(withCode.text).toContain('10% off with code RC-7K2Q-MX9D — single use, valid until Jan 5, 2026, 12:00');
    expect(withCode.html).toContain('RC-7K2Q-MX9D');
    const without = render('reminder', touch(), ctx);
    expect(without.text).not.toContain('with code');
    expect(without.html).not.toContain('Single use');
  });

  it('leads the reassurance email with the planned angle', () => {
    const out = render('reassurance', touch({ angle: 'payment_options', segment: 'checkout-payment-error' }), ctx);
    expect(out.text).toContain('More ways to pay');
    expect(render('reassurance', touch({ angle: 'delivery' }), ctx).text).toContain('Fast, tracked delivery');
  });
});

describe(`${EmailRenderer.name} current facts, images and angles`, () => {
  const sut = new EmailRenderer();
  const render = (...args: Parameters<EmailRenderer['render']>) => {
    const rendered = sut.render(...args);
    if (!rendered) throw new Error('expected a rendered email');
    return rendered;
  };
  const snapshot = touch({
    cart: {
      currency: 'EUR',
      value: 24900,
      items: [
        { sku: 'B', productId: 'boots', title: 'Chelsea Boots', quantity: 1, unitPrice: 15900 },
        { sku: 'LS-1', productId: 'shirt', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 },
      ],
    },
  });

  it('marks a product sold out since the snapshot, names a buyable one and totals the rest', () => {
    const cart = withCurrentFacts(snapshot.cart, new Map([['boots', { inStock: false }]]));
    const out = render('reminder', { ...snapshot, cart }, ctx);
    expect(out.subject).toBe('Your Linen Shirt is still here');
    expect(out.html).toContain('Chelsea Boots <strong style="color:#b91c1c">Sold out</strong>');
    expect(out.html).toContain('<s style="color:#a1a1aa">€159.00</s>');
    expect(out.text).toContain('- Chelsea Boots (sold out) — 1 × €159.00\n');
    expect(out.text).toContain('Total: €90.00 (sold-out items not included)');
  });

  it('shows a price drop with the old price struck through and totals at the new price', () => {
    const cart = withCurrentFacts(snapshot.cart, new Map([['shirt', { unitPrice: 3900 }]]));
    const out = render('reminder', { ...snapshot, cart }, ctx);
    expect(out.html).toContain('Qty 2 × <s>€45.00</s> <strong style="color:#15803d">€39.00</strong> — price dropped');
    expect(out.html).toContain('<strong>€237.00</strong>');
    expect(out.text).toContain('- Linen Shirt — 2 × €39.00 (price dropped, was €45.00) = €78.00');
    expect(out.text).toContain('Total: €237.00\n');
    expect(out.html).not.toContain('Sold-out items');
  });

  it('shows item images (http(s) only, alt = title, 80 px wide, escaped) and keeps them out of the text part', () => {
    const out = render(
      'reminder',
      touch({
        cart: {
          currency: 'EUR',
          value: 3,
          items: [
            {
              sku: 'a',
              title: 'Shirt "Sky" <b>',
              quantity: 1,
              unitPrice: 1,
              imageUrl: 'https://cdn.example/shirt.jpg?w=160&h="x"',
            },
            { sku: 'b', title: 'Mug', quantity: 1, unitPrice: 1, imageUrl: 'javascript:alert(1)' },
            { sku: 'c', title: 'Cap', quantity: 1, unitPrice: 1 },
          ],
        },
      }),
      ctx,
    );
    expect(out.html).toContain(
      '<img src="https://cdn.example/shirt.jpg?w&#x3D;160&amp;h&#x3D;&quot;x&quot;" alt="Shirt &quot;Sky&quot; &lt;b&gt;" width="80"',
    );
    expect(out.html.match(/<img /g)).toHaveLength(1);
    expect(out.html).not.toContain('javascript:');
    expect(out.text).not.toContain('cdn.example');
    expect(out.text).toContain('- Shirt "Sky" <b> — 1 × €0.01 = €0.01');
  });

  it('has no image column when no item has an image', () => {
    expect(render('reminder', touch(), ctx).html).not.toContain('<td width="92"');
  });

  it('carries the planned angle in every email of the sequence', () => {
    for (const [template, incentive] of [
      ['reminder', 'none'],
      ['reassurance', 'none'],
      ['incentive', 'percent_10'],
    ] as const) {
      const out = render(template, touch({ angle: 'delivery', incentive }), ctx);
      expect(out.html).toContain('Fast, tracked delivery');
      expect(out.text).toContain('Your items ship quickly and you can follow the parcel every step of the way.');
    }
  });

  it('gives emails 1 and 3 no angle when the touch carries none (email 2 picks one from the segment)', () => {
    const plain = touch({ segment: 'checkout-payment-error' });
    expect(render('reminder', plain, ctx).text).not.toContain('We are here to help');
    expect(render('incentive', { ...plain, incentive: 'free_shipping' }, ctx).text).not.toContain(
      'We are here to help',
    );
    expect(render('reassurance', plain, ctx).text).toContain('We are here to help');
  });

  it("words the angle the store's way, escaped in HTML", () => {
    const content = parseEmailContent({
      stores: { s1: { angles: { returns: { headline: 'Returns <free>', body: 'Send it back & relax.' } } } },
    });
    for (const template of ['reminder', 'reassurance', 'incentive'] as const) {
      const out = render(template, touch({ angle: 'returns', incentive: 'percent_10' }), {
        ...ctx,
        content: content.forStore('s1'),
      });
      expect(out.html).toContain('Returns &lt;free&gt;');
      expect(out.html).toContain('Send it back &amp; relax.');
      expect(out.html).not.toContain('<free>');
      expect(out.text).toContain('Returns <free>');
    }
    const other = render('reminder', touch({ angle: 'returns' }), { ...ctx, content: content.forStore('s2') });
    expect(other.text).toContain(EmailContent.builtIn().defaults.angles.returns.headline);
  });
});

describe(safeImageUrl.name, () => {
  it('keeps http(s) URLs only', () => {
    expect(safeImageUrl('https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
    expect(safeImageUrl('http://cdn.example/a.png')).toBe('http://cdn.example/a.png');
    expect(safeImageUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeImageUrl('data:image/png;base64,AAAA')).toBeUndefined();
    expect(safeImageUrl('not a url')).toBeUndefined();
    expect(safeImageUrl(undefined)).toBeUndefined();
  });
});
