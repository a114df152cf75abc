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

// ICU puts a narrow no-break space before AM/PM; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

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
    expect(html).toContain('Cap <strong class="rc-soldout" style="color:#b91c1c">Sold out</strong>');
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
    expect(plain(withCode.text)).toContain(
      '10% off with code RC-7K2Q-MX9D — single use, valid until Jan 5, 2026, 12:00 PM GMT+1.',
    );
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
    expect(out.html).toContain('Chelsea Boots <strong class="rc-soldout" style="color:#b91c1c">Sold out</strong>');
    expect(out.html).toContain('<s class="rc-muted" style="color:#71717a">€159.00</s>');
    expect(out.text).toContain('- Chelsea Boots (sold out) — 1 × €159.00\n');
    expect(out.text).toContain('Total: €90.00 (sold-out items not included)');
  });

  it('shows a price drop with the old price struck through and totals at the new price', () => {
    const cart = withCurrentFacts(snapshot.cart, new Map([['shirt', { unitPrice: 3900 }]]));
    const out = render('reminder', { ...snapshot, cart }, ctx);
    expect(out.html).toContain(
      'Qty 2 × <s>€45.00</s> <strong class="rc-drop" style="color:#15803d">€39.00</strong> — price dropped',
    );
    expect(out.html).toContain('<strong>€237.00</strong>');
    expect(out.text).toContain('- Linen Shirt — 2 × €39.00 (price dropped, was €45.00) = €78.00');
    expect(out.text).toContain('Total: €237.00\n');
    expect(out.html).not.toContain('Sold-out items');
  });

  it('shows item images (http(s) only, alt = title, 80 px wide and scaling down, escaped) and keeps them out of the text part', () => {
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
      '<img class="rc-img" src="https://cdn.example/shirt.jpg?w&#x3D;160&amp;h&#x3D;&quot;x&quot;" alt="Shirt &quot;Sky&quot; &lt;b&gt;" width="80" height="80" style="display:block;width:80px;max-width:100%;height:auto;',
    );
    expect(out.html).toContain('<td class="rc-line rc-image" width="92"');
    expect(out.html.match(/<img /g)).toHaveLength(1);
    expect(out.html).not.toContain('javascript:');
    expect(out.text).not.toContain('cdn.example');
    expect(out.text).toContain('- Shirt "Sky" <b> — 1 × €0.01 = €0.01');
  });

  it('has no image column when no item has an image', () => {
    expect(render('reminder', touch(), ctx).html).not.toContain('<td class="rc-line rc-image"');
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

/** What a reader of the HTML sees: no head, no hidden preheader, no tags, entities decoded, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*<\/head>/, '')
    .replace(/<div class="rc-preheader"[\s\S]*?<\/div>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br>/g, '\n')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');
}

describe(`${EmailRenderer.name} copy`, () => {
  const sut = new EmailRenderer();
  const render = (...args: Parameters<EmailRenderer['render']>) => {
    const rendered = sut.render(...args);
    if (!rendered) throw new Error('expected a rendered email');
    return rendered;
  };
  const ann = { email: 'ann@example.com', firstName: 'Ann' };
  const guest = { email: 'guest@example.com' };

  // Each template: its headline, then (with a first name) "Hi Ann," as its own line, then its sentence.
  const cases = [
    {
      name: 'reminder',
      touch: touch({ incentive: 'none' }),
      headline: 'You left something behind',
      sentence: 'Your cart is saved — pick up right where you left off.',
    },
    {
      name: 'reassurance with the planned angle',
      touch: touch({ template: 'reassurance', angle: 'returns' }),
      headline: 'Free, easy returns',
      sentence: 'Not sure it is right? Returns are free and simple, so you can decide at home.',
    },
    {
      name: "reassurance with the segment's angle",
      touch: touch({ template: 'reassurance', segment: 'checkout_error' }),
      headline: 'We are here to help',
      sentence: 'Had trouble at checkout? Reply to this email and a real person will help you finish your order.',
    },
    {
      name: 'incentive',
      touch: touch({ template: 'incentive', incentive: 'percent_10' }),
      headline: '10% off, just for you',
      sentence: 'Complete your order in the next few days and take 10% off.',
    },
  ] as const;
  const templateOf = (name: string) =>
    name.startsWith('reassurance') ? 'reassurance' : name === 'incentive' ? 'incentive' : 'reminder';

  it.each(cases)('$name: greets a shopper by first name on a line of its own, then the sentence', (c) => {
    const { html, text } = render(templateOf(c.name), { ...c.touch, customer: ann }, ctx);
    expect(text.startsWith(`${c.headline}\n\nHi Ann,\n\n${c.sentence}`)).toBe(true);
    expect(html).toContain('<p style="margin:0 0 8px">Hi Ann,</p>');
    expect(html).toContain(`<p style="margin:0">${c.sentence}</p>`);
    expect(visibleText(html)).toContain(`${c.headline} Hi Ann, ${c.sentence}`);
  });

  it.each(cases)('$name: without a first name, no greeting: the sentence follows the headline', (c) => {
    const { html, text } = render(templateOf(c.name), { ...c.touch, customer: guest }, ctx);
    expect(text.startsWith(`${c.headline}\n\n${c.sentence}`)).toBe(true);
    expect(text).not.toContain('Hi ');
    expect(visibleText(html)).toContain(`${c.headline} ${c.sentence}`);
    expect(visibleText(html)).not.toContain('Hi ');
  });

  it.each([
    { locale: 'en-US', timezone: 'America/New_York', expires: 'Dec 9, 2026, 2:56 PM EST' },
    { locale: 'fr-FR', timezone: 'Europe/Paris', expires: '9 déc. 2026, 20:56 UTC+1' },
  ])(
    "shows the incentive's expiry on the shopper's clock with the zone named ($locale, $timezone)",
    ({ locale, timezone, expires }) => {
      const out = render('incentive', touch({ incentive: 'free_shipping', customer: { ...ann, locale, timezone } }), {
        ...ctx,
        incentive: { code: 'RC-7K2Q-MX9D', expiresAt: new Date('2026-12-09T19:56:00Z') },
      });
      expect(plain(out.html)).toContain(
        'Free shipping with code <strong style="font-family:monospace;font-size:20px;letter-spacing:1px">RC-7K2Q-MX9D</strong>',
      );
      expect(plain(out.html)).toContain(`Single use, valid until ${expires}.`);
      expect(plain(out.text)).toContain(`Free shipping with code RC-7K2Q-MX9D — single use, valid until ${expires}.`);
    },
  );

  it('names UTC when the shopper has no time zone, and survives an unusable locale or zone', () => {
    const expiresAt = new Date('2026-12-09T19:56:00Z');
    const utc = render('incentive', touch({ incentive: 'percent_10', customer: ann }), {
      ...ctx,
      incentive: { code: 'C1', expiresAt },
    });
    expect(plain(utc.text)).toContain('valid until Dec 9, 2026, 7:56 PM UTC.');
    const odd = render(
      'incentive',
      touch({ incentive: 'percent_10', customer: { ...ann, timezone: 'Mars/Olympus' } }),
      {
        ...ctx,
        incentive: { code: 'C1', expiresAt },
      },
    );
    expect(plain(odd.text)).toContain('valid until Dec 9, 2026, 7:56 PM UTC.');
  });

  it.each([
    ['reminder', touch(), 'The items you picked are still in your cart.'],
    ['reassurance', touch({ angle: 'delivery' }), 'Fast, tracked delivery — and your cart is still saved.'],
    ['incentive', touch({ incentive: 'percent_10' }), 'Take 10% off your cart for the next few days.'],
  ] as const)('%s: a hidden preheader opens the body and is left out of the text part', (template, t, preheader) => {
    const out = render(template, t, ctx);
    expect(out.preheader).toBe(preheader);
    const body = out.html.slice(out.html.indexOf('<body'));
    const first = /<body[^>]*>\s*<div[^>]*>\s*(<div[^>]*>)([^<&]*)/.exec(body);
    expect(first?.[1]).toContain('class="rc-preheader"');
    expect(first?.[1]).toContain('display:none');
    expect(first?.[1]).toContain('max-height:0');
    expect(first?.[1]).toContain('overflow:hidden');
    expect(first?.[1]).toContain('mso-hide:all');
    expect(first?.[2]).toBe(preheader);
    // padded, so the preview line does not run on into the body text
    expect(body).toContain(`${preheader}${'&#847;&zwnj;&nbsp;'.repeat(20)}`);
    expect(out.text).not.toContain(preheader);
  });

  it('says the same in the text part as in the HTML: greeting, sentences, items, total, links', () => {
    const t = touch({ template: 'incentive', incentive: 'percent_10', angle: 'delivery' });
    const cart = withCurrentFacts(
      {
        currency: 'EUR',
        value: 24900,
        items: [
          { sku: 'B', productId: 'boots', title: 'Chelsea Boots', quantity: 1, unitPrice: 15900 },
          { sku: 'LS-1', productId: 'shirt', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 },
        ],
      },
      new Map([
        ['boots', { inStock: false }],
        ['shirt', { unitPrice: 3900 }],
      ]),
    );
    const out = render(
      'incentive',
      { ...t, cart },
      {
        ...ctx,
        incentive: { code: 'RC-7K2Q-MX9D', expiresAt: new Date('2026-12-09T19:56:00Z') },
        trust: { returns: 'Free returns within 30 days', supportEmail: 'help@shop.example' },
      },
    );
    const html = plain(visibleText(out.html));
    const text = plain(out.text).replace(/\s+/g, ' ');
    for (const said of [
      '10% off, just for you',
      'Hi Ann,',
      'Complete your order in the next few days and take 10% off.',
      'Fast, tracked delivery',
      'Your items ship quickly and you can follow the parcel every step of the way.',
      'RC-7K2Q-MX9D',
      'valid until Dec 9, 2026, 7:56 PM UTC.',
      'Chelsea Boots',
      'Linen Shirt',
      '€39.00',
      '€78.00',
      'Total',
      '€78.00',
      'Claim your offer',
      ctx.resumeUrl,
      'Free returns within 30 days',
      'help@shop.example',
      'You are receiving this because you left items in your cart at Demo Store.',
      ctx.unsubscribeUrl,
      ctx.postalAddress,
    ]) {
      expect({ said, inHtml: html.includes(said) }).toEqual({ said, inHtml: true });
      expect({ said, inText: text.includes(said) }).toEqual({ said, inText: true });
    }
    expect(html).toMatch(/Chelsea Boots Sold out/);
    expect(text).toContain('Chelsea Boots (sold out)');
    expect(html).toMatch(/price dropped/);
    expect(text).toContain('price dropped, was €45.00');
    expect(html).toContain('Sold-out items are not included.');
    expect(text).toContain('(sold-out items not included)');
  });
});

describe(`${EmailRenderer.name} layout`, () => {
  const sut = new EmailRenderer();
  const all = (['reminder', 'reassurance', 'incentive'] as const).map((template) => {
    const out = sut.render(template, touch({ incentive: 'percent_10', angle: 'returns' }), {
      ...ctx,
      incentive: { code: 'RC-1', expiresAt: new Date('2026-12-09T19:56:00Z') },
      trust: { returns: 'Free returns', supportEmail: 'help@shop.example', supportPhone: '+1 555 0100' },
    });
    if (!out) throw new Error('expected a rendered email');
    return [template, out.html] as const;
  });

  it.each(all)('%s: declares light and dark colour schemes and a dark palette', (_, html) => {
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
  });

  it.each(all)('%s: is fluid up to 600 px, with fixed widths only for Outlook', (_, html) => {
    const forEveryone = html.replace(/<!--\[if mso \| IE\]>[\s\S]*?<!\[endif\]-->/g, '');
    expect(forEveryone).toContain('max-width:600px');
    expect(forEveryone).not.toMatch(/width="600"|(?<!max-)width:600px/);
  });

  it.each(all)('%s: sets no text smaller than 14 px (the hidden preheader aside)', (_, html) => {
    const body = html
      .slice(html.indexOf('<body'))
      .replace(/<div class="rc-preheader"[\s\S]*?<\/div>/, '')
      .replace(/<!--\[if mso \| IE\]>[\s\S]*?<!\[endif\]-->/g, '')
      .replace(/<p\s+style="border-top:[^"]*"\s*>\s*<\/p>/g, ''); // the divider: a rule, no text
    const sizes = [...body.matchAll(/font-size:\s*(\d+)px/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(5);
    // MJML sets font-size:0 on layout cells to collapse whitespace between inline blocks; no text sits there.
    expect(sizes.filter((size) => size !== 0 && size < 14)).toEqual([]);
  });

  it.each(all)('%s: makes the call to action a tap target at least 44 px high', (_, html) => {
    const style = /<a\s+href="http:\/\/localhost:3000\/r\/abc\.def"\s+style="([^"]*)"/.exec(html)?.[1] ?? '';
    const lineHeight = Number(/line-height:(\d+)px/.exec(style)?.[1]);
    const padding = /padding:(\d+)px \d+px(?: (\d+)px)?/.exec(style);
    const top = Number(padding?.[1] ?? 0);
    const bottom = padding?.[2] === undefined ? top : Number(padding[2]);
    expect(lineHeight + top + bottom).toBeGreaterThanOrEqual(44);
  });

  it.each(all)('%s: lets long titles, codes and addresses wrap instead of widening the message', (_, html) => {
    expect(html).toContain('.rc-wrap { word-break: break-word; overflow-wrap: anywhere; }');
    expect(html).toMatch(/<td class="rc-line rc-wrap"[^>]*overflow-wrap:anywhere/);
    expect(html).toContain('class="rc-offer rc-wrap"');
    expect(html).toContain('class="rc-trust rc-wrap"');
  });
});
