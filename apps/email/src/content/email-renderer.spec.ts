import type { TouchDue } from '@reclaim/contracts';
import { EmailRenderer, resolveTemplate } from './email-renderer';

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

  it('names the first product in the reminder subject', () => {
    expect(sut.render('reminder', touch(), ctx).subject).toBe('Your Linen Shirt is still here');
  });

  it('names the product in the other subjects too', () => {
    expect(sut.render('reassurance', touch(), ctx).subject).toBe('Still thinking about your Linen Shirt?');
    expect(sut.render('incentive', touch({ incentive: 'percent_10' }), ctx).subject).toBe(
      '10% off on your Linen Shirt',
    );
  });

  it('lists items with quantity and prices in the cart currency from minor units', () => {
    const { html, text } = sut.render('reminder', touch(), ctx);
    expect(html).toContain('Linen Shirt');
    expect(html).toContain('Qty 2 × €45.00');
    expect(html).toContain('€90.00');
    expect(html).toContain('€119.00');
    expect(html).toContain('(currently out of stock)');
    expect(text).toContain('- Linen Shirt — 2 × €45.00 = €90.00');
    expect(text).toContain('Total: €119.00');
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
    const { html, subject } = sut.render('reminder', evil, ctx);
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
    expect(sut.render('reminder', t, ctx).subject).toBe('Your A Bcc: x@evil.test is still here');
  });

  it('has a prominent resume link, the unsubscribe link and the postal address', () => {
    const { html, text } = sut.render('reminder', touch(), ctx);
    expect(html).toContain(`href="${ctx.resumeUrl.replace('=', '&#x3D;')}"`);
    expect(html).toContain('Return to your cart');
    expect(html).toContain(ctx.unsubscribeUrl);
    expect(html).toContain(ctx.postalAddress);
    expect(text).toContain(`Return to your cart: ${ctx.resumeUrl}`);
    expect(text).toContain(ctx.postalAddress);
  });

  it('greets by first name when known', () => {
    expect(sut.render('reminder', touch(), ctx).text).toContain('Hi Ann, your cart is saved');
    expect(sut.render('reminder', touch({ customer: {} }), ctx).text).toContain('Your cart is saved');
  });

  it('picks the reassurance angle from the segment', () => {
    expect(sut.render('reassurance', touch({ segment: 'checkout_error' }), ctx).text).toContain('We are here to help');
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
