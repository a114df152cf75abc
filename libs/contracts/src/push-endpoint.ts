/** Longest web push endpoint accepted; real ones (FCM, Mozilla, Apple, WNS) are a few hundred characters. */
export const PUSH_ENDPOINT_MAX_LENGTH = 1024;

export interface PushEndpointOptions {
  /**
   * Push service hosts allowed; empty or absent: any public host. `example.com` allows that host
   * and its subdomains, `*.example.com` only its subdomains.
   */
  allowedHosts?: readonly string[];
}

/** Names that never lead to a public push service (RFC 6761, RFC 6762, RFC 8375, common private suffixes). */
const INTERNAL_SUFFIXES = [
  'localhost',
  'local',
  'localdomain',
  'internal',
  'intranet',
  'private',
  'corp',
  'lan',
  'home',
  'home.arpa',
  'arpa',
  'onion',
  'test',
  'invalid',
];

const isUnder = (host: string, suffix: string): boolean => host === suffix || host.endsWith(`.${suffix}`);

const allowedBy = (host: string, entry: string): boolean => {
  const e = entry.trim().toLowerCase().replace(/\.$/, '');
  if (e === '') return false;
  return e.startsWith('*.') ? host.endsWith(e.slice(1)) : isUnder(host, e);
};

/**
 * Whether a web push endpoint a shopper's browser gave may be contacted: undefined when it may,
 * else a short reason (`not_https`, `port_not_443`, `ip_literal`, `internal_host`, …). Only what
 * the string itself says; the push service checks the address it resolves to as well. IPv4 in
 * decimal, octal or hex (`https://2130706433/`, `https://0x7f.1/`) is normalised by the URL parser
 * to dotted form and refused as an IP literal.
 */
export function pushEndpointProblem(endpoint: string, options: PushEndpointOptions = {}): string | undefined {
  if (endpoint.length > PUSH_ENDPOINT_MAX_LENGTH) return 'too_long';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not_a_url';
  }
  if (url.protocol !== 'https:') return 'not_https';
  if (url.username !== '' || url.password !== '') return 'userinfo';
  // The parser drops a default port: any port left is not 443.
  if (url.port !== '') return 'port_not_443';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return 'ip_literal';
  if (INTERNAL_SUFFIXES.some((s) => isUnder(host, s))) return 'internal_host';
  if (host === '' || !host.includes('.')) return 'single_label_host';
  const allowed = options.allowedHosts?.filter((h) => h.trim() !== '') ?? [];
  if (allowed.length > 0 && !allowed.some((entry) => allowedBy(host, entry))) return 'host_not_allowed';
  return undefined;
}
