/**
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes travel as
 * `ce_`-prefixed headers, the payload is the record value (application/json).
 */
export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
}

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

export function toCloudEventHeaders(attrs: CloudEventAttributes): Record<string, string> {
  const headers: Record<string, string> = {
    ce_specversion: CLOUDEVENTS_SPEC_VERSION,
    ce_id: attrs.id,
    ce_source: attrs.source,
    ce_type: attrs.type,
    ce_time: attrs.time,
    'content-type': 'application/json',
  };
  if (attrs.subject !== undefined) headers['ce_subject'] = attrs.subject;
  return headers;
}

export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function headerValue(headers: RawHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  if (raw === undefined) return undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/** Reads CloudEvents attributes back; undefined when a required attribute is missing. */
export function fromCloudEventHeaders(headers: RawHeaders | undefined): CloudEventAttributes | undefined {
  const id = headerValue(headers, 'ce_id');
  const source = headerValue(headers, 'ce_source');
  const type = headerValue(headers, 'ce_type');
  const time = headerValue(headers, 'ce_time');
  if (headerValue(headers, 'ce_specversion') !== CLOUDEVENTS_SPEC_VERSION) return undefined;
  if (!id || !source || !type || !time) return undefined;
  const subject = headerValue(headers, 'ce_subject');
  return subject === undefined ? { id, source, type, time } : { id, source, type, time, subject };
}
