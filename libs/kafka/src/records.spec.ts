import { Contracts, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { buildMessage, parseRecord, type IncomingRecord } from './records';

const delivery = {
  deliveryId: 'd-1',
  touchId: 't-1',
  storeId: 'shop',
  cartId: 'cart-1',
  channel: 'email' as const,
  status: 'sent' as const,
  at: '2026-11-25T12:00:00.000Z',
};

function incoming(message: ReturnType<typeof buildMessage>, patch: Partial<IncomingRecord> = {}): IncomingRecord {
  return {
    topic: message.topic,
    logicalTopic: Topics.deliveries.name,
    partition: 0,
    offset: '0',
    key: message.key,
    value: message.value === null ? null : Buffer.from(message.value),
    headers: message.headers,
    timestamp: '0',
    ...patch,
  };
}

describe(buildMessage.name, () => {
  it('validates, keys by cart, prefixes the topic and sets CloudEvents binary headers', () => {
    const sut = buildMessage(Contracts.delivery, delivery, { source: '/reclaim/email', topicPrefix: 't.' });
    expect(sut.topic).toBe('t.reclaim.deliveries.v1');
    expect(sut.key).toBe('shop:cart-1');
    expect(sut.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'd-1',
      ce_type: 'reclaim.delivery',
      ce_source: '/reclaim/email',
      ce_subject: 'sent',
      'content-type': 'application/json',
    });
  });

  it('refuses to produce a payload that breaks its contract', () => {
    expect(() =>
      buildMessage(Contracts.delivery, { ...delivery, status: 'maybe' as 'sent' }, { source: '/x', topicPrefix: '' }),
    ).toThrow();
  });
});

describe(parseRecord.name, () => {
  const message = buildMessage(Contracts.delivery, delivery, { source: '/reclaim/email', topicPrefix: '' });

  it('round-trips what buildMessage produced', () => {
    const sut = parseRecord(Contracts.delivery, incoming(message));
    expect(sut.payload).toEqual(delivery);
    expect(sut.cloudEvent.id).toBe('d-1');
  });

  it.each([
    ['no CloudEvents headers', { headers: {} }, /CloudEvents headers/],
    [
      'another CloudEvents spec version',
      { headers: { ...message.headers, ce_specversion: '0.3' } },
      /unsupported ce_specversion "0.3", expected "1.0"/,
    ],
    ['another event type', { headers: { ...message.headers, ce_type: 'reclaim.suppression' } }, /unexpected ce_type/],
    ['an empty value', { value: null }, /empty record value/],
    ['a value that is not JSON', { value: Buffer.from('{oops') }, /not JSON/],
    [
      'a value that breaks the schema',
      { value: Buffer.from('{"deliveryId":"d"}') },
      /does not match reclaim.deliveries.v1/,
    ],
  ])('rejects a record with %s as invalid input (dead-lettered, not retried)', (_what, patch, reason) => {
    let error: unknown;
    try {
      parseRecord(Contracts.delivery, incoming(message, patch));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(reason);
  });
});
