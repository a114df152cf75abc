import { parseSmsStores, storeForInbound } from './senders';

describe(parseSmsStores.name, () => {
  const sut = parseSmsStores;
  const MG = `MG${'a'.repeat(32)}`;

  it('reads numbers and messaging services per store', () => {
    const stores = sut(
      JSON.stringify({ s1: { name: 'Acme', from: '+15005550006' }, s2: { name: 'Bolt', messagingServiceSid: MG } }),
    );
    expect(stores).toBeInstanceOf(Map);
    if (typeof stores === 'string') return;
    expect(stores.get('s1')).toEqual({ storeId: 's1', name: 'Acme', sender: { kind: 'number', from: '+15005550006' } });
    expect(stores.get('s2')?.sender).toEqual({ kind: 'messaging_service', messagingServiceSid: MG });
  });

  it('says what is wrong', () => {
    expect(sut('nope')).toMatch(/JSON object/);
    expect(sut('[]')).toMatch(/JSON object/);
    expect(sut('{"s1":{"from":"+15005550006"}}')).toMatch(/s1: "name"/);
    expect(sut('{"s1":{"name":"A","from":"5550006"}}')).toMatch(/E.164/);
    expect(sut('{"s1":{"name":"A"}}')).toMatch(/exactly one/);
    expect(sut(`{"s1":{"name":"A","from":"+15005550006","messagingServiceSid":"${MG}"}}`)).toMatch(/exactly one/);
  });

  it('refuses one sender for two stores: a STOP must map to one store', () => {
    expect(sut('{"s1":{"name":"A","from":"+15005550006"},"s2":{"name":"B","from":"+15005550006"}}')).toMatch(
      /already serves store s1/,
    );
  });
});

describe(storeForInbound.name, () => {
  const stores = parseSmsStores(
    JSON.stringify({
      s1: { name: 'Acme', from: '+15005550006' },
      s2: { name: 'Bolt', messagingServiceSid: `MG${'b'.repeat(32)}` },
    }),
  );
  if (typeof stores === 'string') throw new Error(stores);

  it('finds the store by the number the message was sent to, or by its messaging service', () => {
    expect(storeForInbound(stores, { to: '+15005550006' })?.storeId).toBe('s1');
    expect(storeForInbound(stores, { to: '+15005559999', messagingServiceSid: `MG${'b'.repeat(32)}` })?.storeId).toBe(
      's2',
    );
    expect(storeForInbound(stores, { to: '+15005559999' })).toBeUndefined();
  });
});
