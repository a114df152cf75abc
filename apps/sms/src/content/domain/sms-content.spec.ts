import { composeSms, OPT_OUT_TEXT } from './sms-content';

describe(composeSms.name, () => {
  const sut = composeSms;
  const url = 'https://r.example/r/eyJzIjoicyJ9.c2ln';
  const input = {
    storeName: 'Acme',
    items: [{ title: 'Blue Mug', quantity: 1 }],
    sequence: 1,
    resumeUrl: url,
    maxSegments: 1,
  };

  it('names the store and the product, carries the link and ends with the opt-out', () => {
    const sms = sut(input);
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, shortened: false });
    expect(sms?.body).toBe(`Acme: you left Blue Mug in your cart. Finish your order: ${url} ${OPT_OUT_TEXT}`);
    expect(sms?.body.endsWith('Reply STOP to opt out')).toBe(true);
  });

  it('says how many more items there are and changes its lead for a later touch', () => {
    const sms = sut({ ...input, sequence: 2, items: [...input.items, { title: 'Spoon', quantity: 2 }] });
    expect(sms?.body).toBe(`Acme: Blue Mug (+1 more) is still in your cart: ${url} ${OPT_OUT_TEXT}`);
  });

  it('cuts a long product title to stay within the segment limit', () => {
    const title = 'Handmade stoneware coffee mug with a wide handle and a speckled glaze, 350 ml';
    const sms = sut({ ...input, items: [{ title, quantity: 1 }] });
    expect(sms).toBeDefined();
    expect(sms?.segments).toBe(1);
    expect(sms?.units).toBeLessThanOrEqual(160);
    expect(sms?.shortened).toBe(true);
    expect(sms?.body).toMatch(/you left Handmade stoneware .*\.\.\. in your cart/);
    expect(sms?.body).toContain(url);
    expect(sms?.body.endsWith(OPT_OUT_TEXT)).toBe(true);
    // with room for two segments it is sent whole
    expect(sut({ ...input, items: [{ title, quantity: 1 }], maxSegments: 2 })).toMatchObject({
      segments: 2,
      shortened: false,
    });
  });

  it('goes back to GSM-7 when the cut drops the only non-GSM character', () => {
    const title = 'Mug ' + 'x'.repeat(60) + ' 😀';
    const sms = sut({ ...input, items: [{ title, quantity: 1 }] });
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, shortened: true });
  });

  it('counts a UCS-2 message against 70 units', () => {
    const sms = sut({ ...input, storeName: 'Żabka', maxSegments: 3 });
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('sends nothing rather than a message over the limit', () => {
    expect(sut({ ...input, storeName: 'A'.repeat(40), resumeUrl: `${url}/${'x'.repeat(120)}` })).toBeUndefined();
  });

  it('falls back to "your items" when no item has a title', () => {
    expect(sut({ ...input, items: [] })?.body).toBe(
      `Acme: you left your items in your cart. Finish your order: ${url} ${OPT_OUT_TEXT}`,
    );
  });
});
