import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { pushEndpointProblem } from '@reclaim/contracts';
import { nonPublicAddressRange } from './domain/push-address';

/** Resolves a host name to every address it has (the system resolver unless a test seam replaces it). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/**
 * Test-only seams into the push network path, passed to `AppModule.register` by integration
 * specs; `main.ts` never passes them and no configuration variable reaches them, so a deployed
 * service always runs the full guard.
 */
export interface PushNetworkTestSeams {
  /** Resolves host names instead of the system resolver; the address check applies to what it returns. */
  resolve?: HostResolver;
  /** Endpoints at exactly these origins (a local test push service) skip the guard. */
  trustedOrigins?: readonly string[];
}

/** Injection token for the test seams (absent in production). */
export const PUSH_NETWORK_TEST_SEAMS = Symbol('PUSH_NETWORK_TEST_SEAMS');

/** A push endpoint the guard refused; `why` is short and says nothing about the network beyond the class. */
export class EndpointRefusedError extends Error {
  readonly code = 'EPUSHENDPOINTREFUSED';

  constructor(
    readonly why: string,
    message: string,
  ) {
    super(message);
    this.name = EndpointRefusedError.name;
  }
}

const systemResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

/**
 * Keeps web push hand-offs (endpoints come from shoppers' browsers) away from anything but public
 * push services: the static check of the endpoint string (libs/contracts `pushEndpointProblem`,
 * with PUSH_ENDPOINT_ALLOWED_HOSTS), and a socket `lookup` that resolves the host and refuses the
 * connection when any of its addresses is not public unicast, so the address checked is the
 * address connected to (no second resolution between check and connect).
 */
export class PushEndpointGuard {
  private readonly resolve: HostResolver;
  private readonly trustedOrigins: ReadonlySet<string>;

  constructor(
    private readonly allowedHosts: readonly string[],
    seams: PushNetworkTestSeams = {},
  ) {
    this.resolve = seams.resolve ?? systemResolver;
    this.trustedOrigins = new Set(seams.trustedOrigins ?? []);
  }

  /** Why the endpoint string itself is refused, or undefined. */
  problem(endpoint: string): string | undefined {
    if (this.isTrusted(endpoint)) return undefined;
    return pushEndpointProblem(endpoint, { allowedHosts: this.allowedHosts });
  }

  /**
   * How a connection to the URL finds its address: undefined only for a trusted test origin. An IP
   * literal is never looked up by Node, so it is checked here (the static check refuses it anyway).
   */
  connectPolicy(url: URL): { lookup: LookupFunction } | { refused: EndpointRefusedError } | undefined {
    if (this.isTrusted(url.href)) return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const range = nonPublicAddressRange(host);
      return { refused: new EndpointRefusedError(range ? 'non_public_address' : 'ip_literal', `${host} refused`) };
    }
    return { lookup: this.lookup };
  }

  private isTrusted(endpoint: string): boolean {
    if (this.trustedOrigins.size === 0) return false;
    try {
      return this.trustedOrigins.has(new URL(endpoint).origin);
    } catch {
      return false;
    }
  }

  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (all) => {
        const addresses = options.family ? all.filter((a) => a.family === options.family) : all;
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        for (const a of addresses) {
          const range = nonPublicAddressRange(a.address);
          if (range) {
            callback(
              new EndpointRefusedError('non_public_address', `${hostname} resolves to a ${range} address`),
              '',
              0,
            );
            return;
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), '', 0),
    );
  };
}
