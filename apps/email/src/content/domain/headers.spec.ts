import { messageHeaders, replyToAddress, unsubscribeMailto, type MessageHeaderInput } from './headers';

describe(messageHeaders.name, () => {
  const input: MessageHeaderInput = {
    touchId: 'touch-1',
    storeId: 'store-fashion',
    template: 'reassurance',
    unsubscribeUrl: 'https://mail.shop.example/unsubscribe/TOKEN.abc_-1',
    unsubscribeToken: 'TOKEN.abc_-1',
    unsubscribeMailbox: '',
    replyTo: undefined,
    feedbackSenderId: 'reclaim',
  };

  it('offers one-click https unsubscribe, Feedback-ID and the touch id, and no Reply-To when none is set', () => {
    expect(messageHeaders(input)).toEqual({
      'List-Unsubscribe': '<https://mail.shop.example/unsubscribe/TOKEN.abc_-1>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Feedback-ID': 'reassurance:store-fashion:cart-recovery:reclaim',
      'X-Reclaim-Touch-Id': 'touch-1',
    });
  });

  it('adds Reply-To and a mailto: unsubscribe (after the https one) carrying the token in its subject', () => {
    const sut = messageHeaders({
      ...input,
      replyTo: 'help@shop.example',
      unsubscribeMailbox: 'unsubscribe@bounce.shop.example',
    });
    expect(sut['Reply-To']).toBe('help@shop.example');
    expect(sut['List-Unsubscribe']).toBe(
      '<https://mail.shop.example/unsubscribe/TOKEN.abc_-1>, ' +
        '<mailto:unsubscribe@bounce.shop.example?subject=unsubscribe%20TOKEN.abc_-1>',
    );
  });

  it('keeps a hostile store id or touch id inside its own header', () => {
    const sut = messageHeaders({
      ...input,
      storeId: 'evil:store\r\nBcc: victim@example.com',
      touchId: 'touch-2\r\nX-Injected: yes',
      replyTo: 'help@shop.example\nBcc: victim@example.com',
    });
    for (const value of Object.values(sut)) expect(value).not.toMatch(/[\r\n]/);
    // four fields exactly: a colon in the store id must not shift the sender id
    expect(sut['Feedback-ID']).toBe('reassurance:evil-store-Bcc-victim-example.com:cart-recovery:reclaim');
    expect(sut['X-Reclaim-Touch-Id']).toBe('touch-2 X-Injected: yes');
  });

  it('caps a long store id in Feedback-ID and never leaves a field empty', () => {
    const long = messageHeaders({ ...input, storeId: 's'.repeat(200) })['Feedback-ID']!;
    expect(long.split(':')).toHaveLength(4);
    expect(long.split(':')[1]).toHaveLength(40);
    expect(messageHeaders({ ...input, storeId: '::' })['Feedback-ID']).toBe('reassurance:-:cart-recovery:reclaim');
    expect(messageHeaders({ ...input, storeId: '\u00e9' })['Feedback-ID']).toBe('reassurance:-:cart-recovery:reclaim');
  });
});

describe(unsubscribeMailto.name, () => {
  it('is a mailto: URL (RFC 6068) a mail client turns back into the subject', () => {
    const url = new URL(unsubscribeMailto('unsubscribe@bounce.shop.example', 'a.b-c_d'));
    expect(url.protocol).toBe('mailto:');
    expect(url.pathname).toBe('unsubscribe@bounce.shop.example');
    expect(url.searchParams.get('subject')).toBe('unsubscribe a.b-c_d');
  });
});

describe(replyToAddress.name, () => {
  const from = 'Demo Store <shop@shop.example>';

  it('takes EMAIL_REPLY_TO first, then the support address, else none', () => {
    expect(replyToAddress({ replyTo: 'care@shop.example', supportEmail: 'help@shop.example', from })).toBe(
      'care@shop.example',
    );
    expect(replyToAddress({ replyTo: '', supportEmail: 'help@shop.example', from })).toBe('help@shop.example');
    expect(replyToAddress({ replyTo: '', supportEmail: '', from })).toBeUndefined();
  });

  it('leaves it out when it is the sender address anyway', () => {
    expect(replyToAddress({ replyTo: 'SHOP@shop.example', supportEmail: '', from })).toBeUndefined();
    expect(
      replyToAddress({ replyTo: 'shop@shop.example', supportEmail: '', from: 'shop@shop.example' }),
    ).toBeUndefined();
  });
});
