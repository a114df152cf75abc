import { isUnsubscribeMailbox, tokenCandidates } from './unsubscribe-mail';

describe(isUnsubscribeMailbox.name, () => {
  const mailbox = 'unsubscribe@bounce.shop.example';

  it('takes the mailbox and its +tag forms, in any case, and nothing else', () => {
    expect(isUnsubscribeMailbox('unsubscribe@bounce.shop.example', mailbox)).toBe(true);
    expect(isUnsubscribeMailbox('Unsubscribe@Bounce.Shop.Example', mailbox)).toBe(true);
    expect(isUnsubscribeMailbox('unsubscribe+abc@bounce.shop.example', mailbox)).toBe(true);
    expect(isUnsubscribeMailbox('unsubscribed@bounce.shop.example', mailbox)).toBe(false);
    expect(isUnsubscribeMailbox('unsubscribe@shop.example', mailbox)).toBe(false);
    expect(isUnsubscribeMailbox('bounces@bounce.shop.example', mailbox)).toBe(false);
    expect(isUnsubscribeMailbox('unsubscribe@bounce.shop.example', '')).toBe(false);
  });
});

describe(tokenCandidates.name, () => {
  const token = 'eyJzIjoicyIsImUiOiJhQGIuYyJ9.abcDEF123_-xyz';

  it('finds the token in the subject the mailto: URL named, also behind Re: or a colon', () => {
    for (const subject of [`unsubscribe ${token}`, `Re: unsubscribe ${token}`, `unsubscribe:${token}`]) {
      expect(tokenCandidates({ subject, text: '', recipients: [] })[0]).toBe(token);
    }
  });

  it('falls back to a +tag of the recipient, then to the body', () => {
    expect(tokenCandidates({ subject: 'unsubscribe', text: '', recipients: [`u+${token}@x.example`] })).toEqual([
      token,
    ]);
    expect(tokenCandidates({ subject: '', text: `Please stop.\n> unsubscribe ${token}\n`, recipients: [] })).toEqual([
      token,
    ]);
  });

  it('tries a bounded number of words from a long body', () => {
    const text = Array.from({ length: 500 }, (_, i) => `word-number-${String(i).padStart(6, '0')}`).join(' ');
    expect(tokenCandidates({ subject: '', text, recipients: [] })).toHaveLength(20);
  });
});
