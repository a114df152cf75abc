import type { EmailTemplateName } from '@reclaim/contracts';

/** What a recovery email's headers are made of (everything already decided by the caller). */
export interface MessageHeaderInput {
  touchId: string;
  storeId: string;
  template: EmailTemplateName;
  /** The one-click unsubscribe URL (`…/unsubscribe/<token>`). */
  unsubscribeUrl: string;
  /** The token in that URL, repeated in the `mailto:` subject. */
  unsubscribeToken: string;
  /** EMAIL_UNSUBSCRIBE_MAILBOX; empty: List-Unsubscribe offers the https URL only. */
  unsubscribeMailbox: string;
  /** The address replies should go to, when it is not the sender's (see `replyToAddress`). */
  replyTo: string | undefined;
  /** EMAIL_FEEDBACK_SENDER_ID: the right-most, constant field of Feedback-ID. */
  feedbackSenderId: string;
}

/** The "mail type" field of Feedback-ID: every message this service sends is a cart recovery. */
const MAIL_TYPE = 'cart-recovery';
/** Longest Feedback-ID field taken from data (store ids): long enough to stay distinct, short enough for one line. */
const MAX_FEEDBACK_FIELD = 40;

/**
 * The headers mailbox providers look for, beside From/To/Subject/Message-ID (which MIME
 * composition sets):
 * - `Reply-To` when replies should reach the store's support rather than the sender;
 * - `List-Unsubscribe` (RFC 2369) with the https URL first — RFC 8058 one-click, with
 *   `List-Unsubscribe-Post` — and, where a mailbox is configured, a `mailto:` whose subject carries
 *   the token (a local part holds at most 64 characters, RFC 5321, fewer than a token);
 * - `Feedback-ID` in Gmail's feedback-loop form `campaign:customer:type:SenderId`, here
 *   `<template>:<storeId>:cart-recovery:<sender id>` (no per-message or per-shopper value: the
 *   loop aggregates by field);
 * - `X-Reclaim-Touch-Id`, which bounces and complaints are matched by when they return.
 * Pure, so a check script builds exactly what the service sends. No value can break out of its
 * header: data-derived values lose control characters, Feedback-ID fields everything but
 * `[A-Za-z0-9._-]` (a colon would shift the fields).
 */
export function messageHeaders(input: MessageHeaderInput): Record<string, string> {
  const unsubscribe = [`<${oneLine(input.unsubscribeUrl)}>`];
  if (input.unsubscribeMailbox) {
    unsubscribe.push(`<${unsubscribeMailto(input.unsubscribeMailbox, input.unsubscribeToken)}>`);
  }
  return {
    ...(input.replyTo ? { 'Reply-To': oneLine(input.replyTo) } : {}),
    'List-Unsubscribe': unsubscribe.join(', '),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Feedback-ID': [input.template, input.storeId, MAIL_TYPE, input.feedbackSenderId].map(feedbackField).join(':'),
    'X-Reclaim-Touch-Id': oneLine(input.touchId),
  };
}

/** The subject an unsubscribe mail carries: the word, then the token (what the inbound listener reads). */
export const unsubscribeSubject = (token: string): string => `unsubscribe ${token}`;

/** `mailto:` URL (RFC 6068) to the unsubscribe mailbox with the token in its subject. */
export function unsubscribeMailto(mailbox: string, token: string): string {
  return `mailto:${oneLine(mailbox)}?subject=${encodeURIComponent(unsubscribeSubject(oneLine(token)))}`;
}

/**
 * Where replies go: EMAIL_REPLY_TO, else the store's support address, else nowhere special
 * (undefined: no Reply-To header, a reply goes to From). An address equal to the sender's is
 * left out too: a Reply-To that repeats From says nothing.
 */
export function replyToAddress(c: { replyTo: string; supportEmail: string; from: string }): string | undefined {
  const address = c.replyTo || c.supportEmail;
  if (!address) return undefined;
  const from = /<([^>]+)>\s*$/.exec(c.from)?.[1] ?? c.from.trim();
  return address.toLowerCase() === from.toLowerCase() ? undefined : address;
}

// C0 controls and DEL: CR and LF would end the header and start one of the sender's choosing.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;
const oneLine = (value: string): string => value.replace(CONTROL, ' ').trim();
const feedbackField = (value: string): string =>
  value.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, MAX_FEEDBACK_FIELD) || 'none';
