import { durationWords, moneyText, offsetWords, reasonWords } from './words';

describe(moneyText.name, () => {
  it('turns minor units into the currency’s major unit by its own fraction digits', () => {
    expect(moneyText(8000, 'EUR')).toBe('€80.00');
    expect(moneyText(8000, 'JPY')).toBe('JP¥8,000');
    expect(moneyText(12345, 'KWD')).toBe('KWD\u00a012.345');
    expect(moneyText(1999, 'USD')).toBe('US$19.99');
  });
});

describe(durationWords.name, () => {
  it('says a duration the way a person would', () => {
    expect(durationWords(40_000)).toBe('40 s');
    expect(durationWords(15 * 60_000)).toBe('15 min');
    expect(durationWords(90 * 60_000)).toBe('1 h 30 min');
    expect(durationWords(24 * 3_600_000)).toBe('24 h');
    expect(durationWords(76 * 3_600_000)).toBe('3 d 4 h');
    expect(durationWords(-5)).toBe('0 s');
  });
});

describe(offsetWords.name, () => {
  it('writes plan offsets compactly', () => {
    expect(offsetWords(0)).toBe('+0');
    expect(offsetWords(30 * 60_000)).toBe('+30min');
    expect(offsetWords(3_600_000)).toBe('+1h');
    expect(offsetWords(24 * 3_600_000)).toBe('+24h');
    expect(offsetWords(90 * 60_000)).toBe('+1h30min');
  });
});

describe(reasonWords.name, () => {
  it('says the scheduler’s and the channels’ reason codes in words', () => {
    expect(reasonWords('no_consent')).toBe('no consent');
    expect(reasonWords('paused_shopper_returned')).toBe('the shopper came back');
    expect(reasonWords('order_completed')).toBe('order completed');
    expect(reasonWords('no_phone_number')).toBe('no phone number');
    expect(reasonWords('channel_cap')).toBe('per-cart limit for the channel reached');
  });

  it('reads codes with a detail after the colon', () => {
    expect(reasonWords('suppressed:unsubscribed')).toBe('unsubscribed');
    expect(reasonWords('stale_after_deferral:quiet_hours')).toBe('too late after deferral (quiet hours)');
    expect(reasonWords('unknown_template:winback')).toBe('unknown template winback');
  });

  it('shows a code it does not know as it is', () => {
    expect(reasonWords('twilio_30007')).toBe('twilio_30007');
    expect(reasonWords('smtp_550')).toBe('smtp_550');
    expect(reasonWords('toString')).toBe('toString');
    expect(reasonWords('constructor:x')).toBe('constructor:x');
  });
});
