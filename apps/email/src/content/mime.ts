import MailComposer from 'nodemailer/lib/mail-composer';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** The envelope sender (MAIL FROM, where bounces go), when it is not the From address. */
  envelopeFrom?: string;
}

/** A message built to its final bytes, ready to be handed over in one go. */
export interface ComposedEmail {
  envelope: { from: string | false; to: string[] };
  raw: Buffer;
  messageId: string;
}

/** Builds the MIME message and its envelope (no network). */
export async function composeMime(email: OutgoingEmail): Promise<ComposedEmail> {
  const node = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: email.messageId,
    headers: email.headers,
    ...(email.envelopeFrom ? { envelope: { from: email.envelopeFrom, to: email.to } } : {}),
  }).compile();
  const envelope = node.getEnvelope();
  return { envelope: { from: envelope.from, to: envelope.to }, raw: await node.build(), messageId: node.messageId() };
}
