import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { messageHeaders } from './domain/headers';
import { composeMime, type OutgoingEmail } from './mime';

describe(composeMime.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = {
    domainName: 'shop.example',
    keySelector: 'reclaim2026',
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  // The key record as published at reclaim2026._domainkey.shop.example; no network is asked.
  const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const resolver = (name: string, type: string) =>
    Promise.resolve(name === 'reclaim2026._domainkey.shop.example' && type === 'TXT' ? [[record]] : []);

  const email: OutgoingEmail = {
    from: 'Demo Store <shop@shop.example>',
    to: 'ann@example.com',
    subject: 'Your Linen Shirt is still here — 2 left',
    html: '<p>Your cart: Linen Shirt € 45,00</p>',
    text: 'Your cart: Linen Shirt € 45,00',
    messageId: '<m1@shop.example>',
    headers: messageHeaders({
      touchId: 'touch-1',
      storeId: 'store-1',
      template: 'reminder',
      unsubscribeUrl: 'https://mail.shop.example/unsubscribe/abc.def',
      unsubscribeToken: 'abc.def',
      unsubscribeMailbox: 'unsubscribe@bounce.shop.example',
      replyTo: 'help@shop.example',
      feedbackSenderId: 'reclaim',
    }),
  };

  it('signs with DKIM so that a verifier passes it, covering the unsubscribe and feedback headers', async () => {
    const { raw } = await composeMime(email, key);
    const { results } = await dkimVerify(raw, { resolver });
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result).toMatchObject({
      signingDomain: 'shop.example',
      selector: 'reclaim2026',
      algo: 'rsa-sha256',
      format: 'relaxed/relaxed',
      status: { result: 'pass' },
    });
    expect(result!.signingHeaders!.keys.toLowerCase().split(': ')).toEqual(
      expect.arrayContaining(['from', 'reply-to', 'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id']),
    );
  });

  it('fails verification once a signed header or the body is changed on the way', async () => {
    const { raw } = await composeMime(email, key);
    const text = raw.toString('latin1');
    const changedHeader = text.replace('Feedback-ID: reminder:', 'Feedback-ID: reassurance:');
    const changedBody = text.replace(/Linen Shirt/g, 'Wool Shirt');
    for (const changed of [changedHeader, changedBody]) {
      expect(changed).not.toBe(text);
      const { results } = await dkimVerify(Buffer.from(changed, 'latin1'), { resolver });
      // a broken header signature is `fail`, a body hash that no longer matches `neutral`
      expect(results[0]!.status.result).not.toBe('pass');
    }
  });

  it('leaves the message unsigned without a key (the relay signs)', async () => {
    const { raw } = await composeMime(email);
    expect(raw.toString('latin1')).not.toMatch(/^DKIM-Signature:/im);
  });
});
