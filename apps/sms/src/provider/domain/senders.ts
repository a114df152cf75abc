/** Who sends a store's messages: a phone number of ours, or a messaging service (Twilio `MG…`). */
export type Sender = { kind: 'number'; from: string } | { kind: 'messaging_service'; messagingServiceSid: string };

export interface SmsStore {
  storeId: string;
  /** Named in every message and in the HELP answer. */
  name: string;
  sender: Sender;
}

export type SmsStores = ReadonlyMap<string, SmsStore>;

const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/**
 * Parses `SMS_STORES` (JSON object: storeId → `{ name, from }` or `{ name, messagingServiceSid }`).
 * Returns the problem as a string when the value is invalid. A sender serves one store only: an
 * inbound STOP names the sender it was sent to, and must map to exactly one store.
 */
export function parseSmsStores(json: string): SmsStores | string {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return 'must be a JSON object: {"<storeId>": {"name": "…", "from": "+1…"}}';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'must be a JSON object keyed by store id';
  const stores = new Map<string, SmsStore>();
  const owners = new Map<string, string>();
  for (const [storeId, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) return `${storeId}: must be an object`;
    const v = value as Record<string, unknown>;
    const name = typeof v['name'] === 'string' ? v['name'].trim() : '';
    if (!name || name.length > 40) return `${storeId}: "name" must be 1 to 40 characters`;
    let sender: Sender;
    if (typeof v['from'] === 'string' && v['messagingServiceSid'] === undefined) {
      if (!E164.test(v['from'])) return `${storeId}: "from" must be an E.164 number such as +15005550006`;
      sender = { kind: 'number', from: v['from'] };
    } else if (typeof v['messagingServiceSid'] === 'string' && v['from'] === undefined) {
      if (!MESSAGING_SERVICE_SID.test(v['messagingServiceSid']))
        return `${storeId}: "messagingServiceSid" must look like MG followed by 32 hex digits`;
      sender = { kind: 'messaging_service', messagingServiceSid: v['messagingServiceSid'] };
    } else {
      return `${storeId}: needs exactly one of "from" or "messagingServiceSid"`;
    }
    const id = senderId(sender);
    const owner = owners.get(id);
    if (owner) return `${storeId}: sender ${id} already serves store ${owner} (one store per sender)`;
    owners.set(id, storeId);
    stores.set(storeId, { storeId, name, sender });
  }
  return stores;
}

export function senderId(sender: Sender): string {
  return sender.kind === 'number' ? sender.from : sender.messagingServiceSid;
}

/**
 * The store an inbound message belongs to: the one whose sender it was sent to — the messaging
 * service named in the webhook when there is one, else the number it was sent to (`To`).
 */
export function storeForInbound(
  stores: SmsStores,
  to: { to?: string | undefined; messagingServiceSid?: string | undefined },
): SmsStore | undefined {
  for (const store of stores.values()) {
    const id = senderId(store.sender);
    if (to.messagingServiceSid && id === to.messagingServiceSid) return store;
    if (to.to && id === to.to) return store;
  }
  return undefined;
}
