import { lastDays, periodFromQuery } from './period';

describe('periodFromQuery', () => {
  const now = new Date('2025-03-31T10:00:00Z');

  it('defaults to the last 30 days, today included, ending now', () => {
    expect(periodFromQuery({}, now)).toEqual({
      fromDay: '2025-03-02',
      toDay: '2025-03-31',
      from: new Date('2025-03-02T00:00:00Z'),
      to: now,
    });
    expect(periodFromQuery({ from: '', to: '' }, now)).toMatchObject({ fromDay: '2025-03-02', toDay: '2025-03-31' });
  });

  it('covers whole UTC days, `to` included', () => {
    expect(periodFromQuery({ from: '2025-02-01', to: '2025-02-28' }, now)).toEqual({
      fromDay: '2025-02-01',
      toDay: '2025-02-28',
      from: new Date('2025-02-01T00:00:00Z'),
      to: new Date('2025-03-01T00:00:00Z'),
    });
  });

  it.each([
    [{ from: '2025-13-01' }, /from must be a date, YYYY-MM-DD/],
    [{ to: 'yesterday' }, /to must be a date/],
    [{ from: ['2025-03-01', '2025-03-02'] }, /from/],
    [{ from: '2025-03-10', to: '2025-03-01' }, /from \(2025-03-10\) is after to \(2025-03-01\)/],
    [{ from: '2025-04-02', to: '2025-04-03' }, /is in the future/],
    [{ from: '2023-01-01', to: '2025-03-01' }, /at most 366/],
  ])('refuses %j', (query, message) => {
    const result = periodFromQuery(query, now);
    expect(result).toEqual({ error: expect.stringMatching(message) });
  });

  it('quick links end today', () => {
    expect(lastDays(7, now)).toEqual({ fromDay: '2025-03-25', toDay: '2025-03-31' });
  });
});
