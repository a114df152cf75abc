import { Click } from '@reclaim/contracts';
import { creditedClickId, judgeClick, prefetchReason, type ClickRequest } from './click-classification';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const now = new Date('2026-11-25T12:00:00Z');
const shopper: ClickRequest = {
  method: 'GET',
  userAgent: CHROME,
  issuedAt: new Date(now.getTime() - 3_600_000),
  now,
  prefetchWindowMs: 5_000,
};

describe(prefetchReason.name, () => {
  it.each([
    ['desktop Chrome', CHROME],
    [
      'iPhone Safari',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    ],
    [
      'Android Chrome',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    ],
    ['Firefox', 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'],
    [
      'a phone whose model contains "bot"',
      'Mozilla/5.0 (Linux; Android 9; CUBOT KINGKONG 5) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36',
    ],
  ])('takes %s for a shopper', (_what, userAgent) => {
    expect(prefetchReason({ ...shopper, userAgent })).toBeUndefined();
  });

  it('takes a HEAD request for a prefetch, whatever the agent', () => {
    expect(prefetchReason({ ...shopper, method: 'HEAD' })).toBe('HEAD request');
  });

  it.each([
    ['Outlook link checks', 'Microsoft Office Existence Discovery', 'Microsoft Office'],
    ['Office 365', 'Mozilla/5.0 (compatible; Office 365 link scan)', 'Microsoft Office'],
    ['Proofpoint', 'Proofpoint URL Defense', 'Proofpoint'],
    ['Mimecast', 'Mimecast URL Protect', 'Mimecast'],
    ['Barracuda', 'Barracuda Sentinel (EE)', 'Barracuda'],
    [
      'Gmail image proxy',
      'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      'Google image proxy',
    ],
    ['Slack', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'Slack link expander'],
    [
      'Bing',
      'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b',
      'Bing preview',
    ],
    ['WhatsApp', 'WhatsApp/2.23.20.0 A', 'link preview'],
    [
      'headless Chrome',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0 Safari/537.36',
      'headless browser',
    ],
    ['curl', 'curl/8.5.0', 'HTTP library'],
  ])('takes %s for a scanner', (_what, userAgent, name) => {
    expect(prefetchReason({ ...shopper, userAgent })).toBe(`scanner user agent: ${name}`);
  });

  it.each([undefined, '', '   '])('takes a request without a user agent (%p) for a prefetch', (userAgent) => {
    expect(prefetchReason({ ...shopper, userAgent })).toBe('no user agent');
  });

  it('takes a fetch within the window after sending for a prefetch, and one after it for a shopper', () => {
    const sentAt = (ms: number) => new Date(now.getTime() - ms);
    expect(prefetchReason({ ...shopper, issuedAt: sentAt(4_999) })).toBe('within 5000 ms of sending');
    expect(prefetchReason({ ...shopper, issuedAt: sentAt(0) })).toBe('within 5000 ms of sending');
    expect(prefetchReason({ ...shopper, issuedAt: sentAt(5_000) })).toBeUndefined();
    expect(prefetchReason({ ...shopper, issuedAt: sentAt(-2_000) })).toBe('within 5000 ms of sending'); // skew
    expect(prefetchReason({ ...shopper, issuedAt: sentAt(-60_000) })).toBeUndefined();
  });

  it('skips the window check for links without an issue time, or with the window off', () => {
    expect(prefetchReason({ ...shopper, issuedAt: undefined })).toBeUndefined();
    expect(prefetchReason({ ...shopper, issuedAt: now, prefetchWindowMs: 0 })).toBeUndefined();
  });
});

describe(judgeClick.name, () => {
  it('credits only the first shopper click on a touch', () => {
    expect(judgeClick(undefined, true)).toEqual({ credited: true, kind: 'first' });
    expect(judgeClick(undefined, false)).toMatchObject({ credited: false, kind: 'repeat' });
  });

  it('never credits a prefetch, and says why', () => {
    expect(judgeClick('HEAD request', false)).toEqual({ credited: false, kind: 'prefetch', why: 'HEAD request' });
  });

  it('writes what the contract accepts', () => {
    for (const click of [judgeClick(undefined, true), judgeClick(undefined, false), judgeClick('x', false)]) {
      expect(Click.safeParse(click).success).toBe(true);
    }
    expect(Click.safeParse({ credited: true, kind: 'repeat' }).success).toBe(false);
  });
});

describe(creditedClickId.name, () => {
  it('is the same for every click on a touch', () => {
    expect(creditedClickId('t-1')).toBe(creditedClickId('t-1'));
    expect(creditedClickId('t-1')).not.toBe(creditedClickId('t-2'));
  });
});
