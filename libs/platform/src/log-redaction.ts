/**
 * What must never reach a log line, whatever field it hides in: every configured secret, the
 * signed tokens of resume and unsubscribe links (bearer credentials that carry shopper data), and
 * shoppers' contact details. Applied to each serialised line (pino's `streamWrite` hook), so nested
 * values, error messages and stack traces are covered too.
 */

/** Config keys whose values are secrets. */
const SECRET_KEY = /SECRET|TOKEN|PASSWORD|PRIVATE_KEY|API_KEYS|CREDENTIALS/;
/** Shorter values are not treated as secrets (they would mask ordinary words); configs demand longer ones. */
const MIN_SECRET_LENGTH = 6;

/** Inside a parsed secret setting (e.g. `[{ storeId, key }]`), the properties that hold the secret part. */
const SECRET_PROPERTY = /key|secret|token|password|private/i;

function stringsIn(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Map) for (const v of value.values()) stringsIn(v, out);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (SECRET_PROPERTY.test(k)) stringsIn(v, out);
  }
}

/**
 * The secret values of a service's configuration: every value under a key that names a secret
 * (`RESUME_LINK_SECRET`, `SMS_AUTH_TOKEN`, `VAPID_PRIVATE_KEY`, `INGESTION_API_KEYS`, …) and the
 * password of every URL setting (`SMTP_URL`, `DATABASE_URL`, …).
 */
export function secretValues(config: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (SECRET_KEY.test(key)) stringsIn(value, secrets);
    else if (key.endsWith('_URL') && typeof value === 'string') {
      try {
        const password = decodeURIComponent(new URL(value).password);
        if (password) secrets.push(password);
      } catch {
        // not a URL: nothing to take from it
      }
    }
  }
  const unique = new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH));
  // Longest first, so a secret that contains another is masked whole.
  return [...unique].sort((a, b) => b.length - a.length);
}

const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_NUMBER = /\+[1-9]\d{7,14}\b/g;
const LINK_TOKEN = /\/(r|unsubscribe)\/[^/?#"\s]+(\?[^#"\s]*)?/g;

/**
 * Masks e-mail addresses and E.164 phone numbers inside free text (provider error messages echo
 * recipients, e.g. "550 <ada@example.com>: no such user"); REDACT_PATHS only covers known keys.
 */
export function redactContactDetails(text: string): string {
  return text.replace(EMAIL_ADDRESS, '[redacted-email]').replace(PHONE_NUMBER, '[redacted-phone]');
}

/** Replaces the token segment of `/r/<token>` and `/unsubscribe/<token>` URLs, and their query. */
export function redactTokens(url: string | undefined): string | undefined {
  return url?.replace(
    LINK_TOKEN,
    (_m, route: string, query?: string) => `/${route}/[redacted]${query ? '?[redacted]' : ''}`,
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that scrubs one serialised log line of the given secrets, link tokens and contact details. */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  // A secret appears in a JSON line as JSON escapes it (quotes, backslashes, control characters).
  const forms = secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  const pattern = forms.length > 0 ? new RegExp([...new Set(forms)].map(escapeRegExp).join('|'), 'g') : undefined;
  return (line) => {
    const withoutSecrets = pattern ? line.replace(pattern, '[redacted-secret]') : line;
    return redactContactDetails(redactTokens(withoutSecrets) ?? withoutSecrets);
  };
}

/**
 * pino-http's request serialiser: the URL with link tokens masked, and neither route parameters
 * nor the query (Express 5 puts a token into `params.splat` for the logger's own route).
 */
export function serializeRequest(req: Record<string, unknown> & { url?: string }): Record<string, unknown> {
  const { params: _params, query: _query, ...rest } = req;
  return { ...rest, url: redactTokens(req.url) };
}
