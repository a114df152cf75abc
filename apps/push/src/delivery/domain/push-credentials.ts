import { createECDH, createPrivateKey } from 'node:crypto';

/** The VAPID identity web push requests are signed with (RFC 8292). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** What the FCM adapter needs from a Firebase service-account file. */
export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | undefined;
  tokenUri: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const decode = (s: string): Buffer | undefined => (BASE64URL.test(s) ? Buffer.from(s, 'base64url') : undefined);

/**
 * All three VAPID settings or none; the public key must be an uncompressed P-256 point, the
 * private key 32 bytes, and the two must be a pair (a mismatched pair makes every push service
 * answer 403); the subject a `mailto:` or `https:` URL. Returns the first problem, or undefined.
 */
export function checkVapidKeys(
  publicKey: string,
  privateKey: string,
  subject: string,
): { field: string; message: string } | undefined {
  const set = [publicKey, privateKey, subject].filter((v) => v !== '').length;
  if (set === 0) return undefined;
  if (set < 3) {
    const missing = (
      [
        ['VAPID_PUBLIC_KEY', publicKey],
        ['VAPID_PRIVATE_KEY', privateKey],
        ['VAPID_SUBJECT', subject],
      ] as const
    ).find(([, v]) => v === '');
    return {
      field: missing?.[0] ?? 'VAPID_PUBLIC_KEY',
      message: 'VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT go together: set all three or none',
    };
  }
  const pub = decode(publicKey);
  if (pub?.length !== 65 || pub[0] !== 0x04)
    return { field: 'VAPID_PUBLIC_KEY', message: 'must be a base64url uncompressed P-256 public key (65 bytes)' };
  const priv = decode(privateKey);
  if (priv?.length !== 32)
    return { field: 'VAPID_PRIVATE_KEY', message: 'must be a base64url P-256 private key (32 bytes)' };
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    if (!ecdh.getPublicKey().equals(pub))
      return { field: 'VAPID_PRIVATE_KEY', message: 'is not the private key of VAPID_PUBLIC_KEY' };
  } catch {
    return { field: 'VAPID_PRIVATE_KEY', message: 'is not a valid P-256 private key' };
  }
  if (!/^mailto:\S+@\S+$/.test(subject) && !/^https:\/\/\S+$/.test(subject))
    return { field: 'VAPID_SUBJECT', message: 'must be a mailto: or https: URL' };
  return undefined;
}

/**
 * Reads a Firebase service-account JSON file. Returns the account, or the reason it is unusable
 * (never echoing the key). `tokenUrl` overrides the file's `token_uri` (tests, private endpoints).
 */
export function parseServiceAccount(text: string, tokenUrl?: string): FcmServiceAccount | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'is not a JSON service-account file';
  }
  if (typeof json !== 'object' || json === null) return 'is not a JSON service-account file';
  const field = (name: string): string | undefined => {
    const v = (json as Record<string, unknown>)[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (field('type') !== undefined && field('type') !== 'service_account') return 'is not a service_account key file';
  const projectId = field('project_id');
  const clientEmail = field('client_email');
  const privateKey = field('private_key');
  const tokenUri = tokenUrl ?? field('token_uri') ?? 'https://oauth2.googleapis.com/token';
  if (!projectId || !clientEmail || !privateKey) return 'needs project_id, client_email and private_key';
  try {
    createPrivateKey(privateKey);
  } catch {
    return 'private_key is not a PEM private key';
  }
  if (!/^https:\/\//.test(tokenUri)) return 'token_uri must be an https URL';
  return { projectId, clientEmail, privateKey, privateKeyId: field('private_key_id'), tokenUri };
}
