import type { Click } from '@reclaim/contracts';

/**
 * User agents of mail-security gateways, link previewers and automation that fetch a link without
 * a shopper behind it. Substrings, matched case-insensitively; kept short on purpose — a real
 * browser's user agent must never match. Sources: the vendors' documentation and what they send
 * in practice (Microsoft Defender Safe Links / Outlook's link checks, Proofpoint URL Defense,
 * Mimecast and Barracuda URL protection, Gmail's image proxy, chat and search link previews).
 */
export const SCANNER_USER_AGENTS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'Microsoft Office', pattern: /microsoft office|ms-office|msoffice|office ?365/i },
  { name: 'Microsoft Safe Links', pattern: /safelinks|safe ?links/i },
  { name: 'Proofpoint', pattern: /proofpoint/i },
  { name: 'Mimecast', pattern: /mimecast/i },
  { name: 'Barracuda', pattern: /barracuda/i },
  { name: 'Google image proxy', pattern: /googleimageproxy/i },
  { name: 'Slack link expander', pattern: /slackbot/i },
  { name: 'Bing preview', pattern: /bingpreview/i },
  { name: 'link preview', pattern: /facebookexternalhit|twitterbot|linkedinbot|discordbot|telegrambot|whatsapp\//i },
  { name: 'crawler', pattern: /googlebot|bingbot|applebot|yandexbot|baiduspider/i },
  { name: 'headless browser', pattern: /headlesschrome|phantomjs|puppeteer|playwright|selenium/i },
  { name: 'HTTP library', pattern: /^(curl|wget|python-requests|python-urllib|go-http-client|libwww-perl|java)\b/i },
];

export interface ClickRequest {
  method: 'GET' | 'HEAD';
  /** The request's User-Agent header, if any. */
  userAgent: string | undefined;
  /** When the link was issued (the token's `iat`); unknown for older tokens. */
  issuedAt: Date | undefined;
  now: Date;
  /** A fetch this soon after the link was issued is taken for a scanner's (0 turns it off). */
  prefetchWindowMs: number;
}

/** Why a request looks like a prefetch rather than a shopper's click, or undefined when it does not. */
export function prefetchReason(r: ClickRequest): string | undefined {
  if (r.method === 'HEAD') return 'HEAD request';
  const agent = r.userAgent?.trim() ?? '';
  if (agent === '') return 'no user agent';
  const scanner = SCANNER_USER_AGENTS.find((s) => s.pattern.test(agent));
  if (scanner) return `scanner user agent: ${scanner.name}`;
  if (r.issuedAt && r.prefetchWindowMs > 0) {
    const ageMs = r.now.getTime() - r.issuedAt.getTime();
    // The issue time has second precision: an age under the window is certainly within it. A link
    // "from the future" (clock skew between services) counts as fresh only within the window too.
    if (Math.abs(ageMs) < r.prefetchWindowMs) return `within ${r.prefetchWindowMs} ms of sending`;
  }
  return undefined;
}

/**
 * What a click records. `firstForTouch` says whether it claimed the touch's one credited click;
 * a prefetch never claims it (see `Click` in libs/contracts).
 */
export function judgeClick(prefetch: string | undefined, firstForTouch: boolean): Click {
  if (prefetch !== undefined) return { credited: false, kind: 'prefetch', why: prefetch };
  return firstForTouch
    ? { credited: true, kind: 'first' }
    : { credited: false, kind: 'repeat', why: 'the touch already has its credited click' };
}

/** The credited click's delivery id: the same for every attempt on a touch, so consumers dedupe it. */
export function creditedClickId(touchId: string): string {
  return `${touchId}:clicked`;
}
