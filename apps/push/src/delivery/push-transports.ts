import type { PushConfig } from '../config';
import type { PushTransportName } from '../subscriptions/domain/push-subscription';
import { FcmClient } from './fcm.client';
import { HttpsConnector } from './https-session';
import { WebPushRequests } from './web-push.transport';

/** The push transports this configuration enables, over one connector (sending and withdrawing cards alike). */
export interface PushTransports {
  connector: HttpsConnector;
  webPush: WebPushRequests | undefined;
  fcm: FcmClient | undefined;
  /** The enabled transports' names, web push first. */
  names: PushTransportName[];
}

export function pushTransports(config: PushConfig): PushTransports {
  const connector = new HttpsConnector(config.PUSH_EXTRA_CA_FILE, config.PUSH_REQUEST_TIMEOUT_MS);
  const webPush = config.webPush && new WebPushRequests(config.webPush, config.PUSH_TTL);
  const fcm = config.fcm && new FcmClient(config.fcm, config.FCM_API_BASE_URL, connector, config.PUSH_TTL);
  return {
    connector,
    webPush,
    fcm,
    names: [...(webPush ? ['web_push' as const] : []), ...(fcm ? ['fcm' as const] : [])],
  };
}

/** A push service's answer body as JSON, or undefined when it is not JSON. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
