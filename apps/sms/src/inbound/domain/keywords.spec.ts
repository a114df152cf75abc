import { parseKeyword, STOP_KEYWORDS } from './keywords';

describe(parseKeyword.name, () => {
  const sut = parseKeyword;

  it('knows every opt-out keyword, in any case', () => {
    for (const k of STOP_KEYWORDS) {
      expect(sut(k)).toBe('stop');
      expect(sut(k.toLowerCase())).toBe('stop');
    }
  });

  it('ignores surrounding spaces and punctuation, and two-word forms', () => {
    expect(sut('  Stop. ')).toBe('stop');
    expect(sut('stop!!')).toBe('stop');
    expect(sut('Stop all')).toBe('stop');
    expect(sut('opt-out')).toBe('stop');
  });

  it('knows START/UNSTOP and HELP', () => {
    expect(sut('start')).toBe('start');
    expect(sut('UNSTOP')).toBe('start');
    expect(sut('Help?')).toBe('help');
    expect(sut('info')).toBe('help');
  });

  it('treats a sentence as no keyword', () => {
    expect(sut("please don't stop")).toBe('other');
    expect(sut('stopping by later')).toBe('other');
    expect(sut('')).toBe('other');
  });
});
