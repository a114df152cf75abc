import { formatMoney } from './money';

describe(formatMoney.name, () => {
  const sut = formatMoney;

  it('turns minor units into the currency amount', () => {
    expect(sut(4500, 'EUR', 'en-US')).toBe('€45.00');
    expect(sut(129999, 'USD', 'en-US')).toBe('$1,299.99');
  });

  it('knows currencies without minor units', () => {
    expect(sut(1500, 'JPY', 'en-US')).toBe('¥1,500');
  });

  it('follows the recipient locale', () => {
    expect(sut(4500, 'EUR', 'de-DE')).toBe('45,00\u00a0€');
  });
});
