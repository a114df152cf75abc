import { sign } from 'jsonwebtoken';
import { errorMessage } from '@reclaim/core';
import type { FcmServiceAccount } from './domain/push-credentials';
import type { ResumeCard } from './domain/resume-card';
import type { CardWithdrawal } from '../withdrawal/domain/card-withdrawal';
import { PushProviderUnavailableError } from './domain/delivery-errors';
import type { HttpsConnector, PreparedRequest } from './https-session';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Renew an access token this long before Google says it expires. */
const EARLY_RENEWAL_MS = 5 * 60_000;

interface AccessToken {
  value: string;
  expiresAt: number;
}

/**
 * Our own adapter for FCM HTTP v1 (firebase-admin hard-codes fcm.googleapis.com and its token
 * host and sends over HTTP/2 sessions it opens itself, so it can neither be tested against a local
 * server nor have its connection opened before the suppression check). OAuth2 service-account
 * flow (RFC 7523): a JWT assertion signed RS256 with the account's key (jsonwebtoken), exchanged
 * at the token endpoint for an access token, cached until shortly before it expires.
 */
export class FcmClient {
  private token: AccessToken | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly sendUrl: URL;

  constructor(
    private readonly account: FcmServiceAccount,
    apiBaseUrl: string,
    private readonly connector: HttpsConnector,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sendUrl = new URL(`${apiBaseUrl}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`);
  }

  get origin(): URL {
    return this.sendUrl;
  }

  /** A valid access token; a failed exchange is a retriable error (nothing was sent to FCM). */
  accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - EARLY_RENEWAL_MS > this.now()) return Promise.resolve(this.token.value);
    this.inFlight ??= this.exchange().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** FCM answered 401: the cached token is no good. */
  forgetAccessToken(): void {
    this.token = undefined;
  }

  /** The `messages:send` request for one token. */
  buildSend(fcmToken: string, card: ResumeCard, accessToken: string): PreparedRequest {
    const ttlSeconds = Math.round(this.ttlMs / 1000);
    const message = {
      token: fcmToken,
      notification: { title: card.title, body: card.body, ...(card.image ? { image: card.image } : {}) },
      data: { url: card.url, cartId: card.cartId, touchId: card.touchId, tag: card.tag },
      android: { ttl: `${ttlSeconds}s`, collapse_key: card.tag, priority: 'normal', notification: { tag: card.tag } },
      apns: {
        headers: {
          'apns-expiration': String(Math.floor(this.now() / 1000) + ttlSeconds),
          'apns-collapse-id': card.tag,
          'apns-priority': '5',
        },
      },
      webpush: {
        headers: { TTL: String(ttlSeconds), Topic: card.tag, Urgency: 'normal' },
        ...(card.url.startsWith('https://') ? { fcm_options: { link: card.url } } : {}),
      },
    };
    return {
      url: this.sendUrl,
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json; charset=UTF-8' },
      body: Buffer.from(JSON.stringify({ message })),
    };
  }

  /**
   * A data-only message telling the app to clear a card: the card's collapse key (android
   * `collapse_key`, `apns-collapse-id`, webpush `Topic`), so it also replaces a card still waiting.
   */
  buildWithdrawal(fcmToken: string, withdrawal: CardWithdrawal, accessToken: string, ttlMs: number): PreparedRequest {
    const ttlSeconds = Math.round(ttlMs / 1000);
    const message = {
      token: fcmToken,
      data: { type: withdrawal.type, cartId: withdrawal.cartId, tag: withdrawal.tag },
      android: { ttl: `${ttlSeconds}s`, collapse_key: withdrawal.tag, priority: 'normal' },
      apns: {
        headers: {
          'apns-expiration': String(Math.floor(this.now() / 1000) + ttlSeconds),
          'apns-collapse-id': withdrawal.tag,
          'apns-priority': '5',
          'apns-push-type': 'background',
        },
        payload: { aps: { 'content-available': 1 } },
      },
      webpush: { headers: { TTL: String(ttlSeconds), Topic: withdrawal.tag, Urgency: 'normal' } },
    };
    return {
      url: this.sendUrl,
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json; charset=UTF-8' },
      body: Buffer.from(JSON.stringify({ message })),
    };
  }

  private async exchange(): Promise<string> {
    const a = this.account;
    const issuedAt = Math.floor(this.now() / 1000);
    const assertion = sign({ scope: SCOPE, iat: issuedAt, exp: issuedAt + 3600 }, a.privateKey, {
      algorithm: 'RS256',
      issuer: a.clientEmail,
      audience: a.tokenUri,
      ...(a.privateKeyId ? { keyid: a.privateKeyId } : {}),
    });
    const url = new URL(a.tokenUri);
    const body = Buffer.from(
      new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    );
    let answer;
    try {
      const session = await this.connector.open(url);
      try {
        answer = await session.send({
          url,
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body,
        });
      } finally {
        session.close();
      }
    } catch (error) {
      throw new PushProviderUnavailableError(`FCM token exchange failed: ${errorMessage(error)}`, { cause: error });
    }
    let json: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      json = JSON.parse(answer.body.toString('utf8')) as typeof json;
    } catch {
      // reported below
    }
    if (answer.status !== 200 || typeof json.access_token !== 'string')
      throw new PushProviderUnavailableError(`FCM token exchange answered ${answer.status}`);
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    this.token = { value: json.access_token, expiresAt: this.now() + expiresIn * 1000 };
    return json.access_token;
  }
}
