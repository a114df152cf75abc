const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A TwiML answer: one `<Message>` reply, or none (an empty `<Response/>`). */
export function twiml(reply?: string): string {
  const body = reply === undefined ? '<Response/>' : `<Response><Message>${escapeXml(reply)}</Message></Response>`;
  return `<?xml version="1.0" encoding="UTF-8"?>${body}`;
}

export const stopReply = (store: string) =>
  `${store}: You are unsubscribed and will receive no more messages. Reply START to resubscribe.`;
export const startReply = (store: string) => `${store}: You are resubscribed to cart reminders. Reply STOP to opt out.`;
export const helpReply = (store: string) =>
  `${store}: cart reminders, at most a few per cart. Msg & data rates may apply. Reply STOP to opt out.`;
