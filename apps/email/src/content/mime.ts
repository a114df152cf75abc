import { buffer } from 'node:stream/consumers';
import DKIM from 'nodemailer/lib/dkim';
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

/** A DKIM key to sign with inside Reclaim (EMAIL_DKIM_*); without one the relay signs. */
export interface DkimSigning {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * The fields the signature covers: nodemailer's list (RFC 6376's recommendations, List-Unsubscribe
 * and List-Unsubscribe-Post, which RFC 8058 wants signed) plus Feedback-ID, which Gmail's feedback
 * loop trusts only under a signature.
 */
export const DKIM_SIGNED_FIELDS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Help',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
  'Feedback-ID',
].join(':');

/** A message built to its final bytes, ready to be handed over in one go. */
export interface ComposedEmail {
  envelope: { from: string | false; to: string[] };
  raw: Buffer;
  messageId: string;
}

/** Builds the MIME message and its envelope (no network), DKIM-signed when a key is given. */
export async function composeMime(email: OutgoingEmail, dkim?: DkimSigning): Promise<ComposedEmail> {
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
  const raw = await node.build();
  return {
    envelope: { from: envelope.from, to: envelope.to },
    raw: dkim ? await dkimSigned(raw, dkim) : raw,
    messageId: node.messageId(),
  };
}

/** The message with a DKIM-Signature header (relaxed/relaxed, rsa-sha256) in front. */
async function dkimSigned(raw: Buffer, key: DkimSigning): Promise<Buffer> {
  const signer = new DKIM({ ...key, headerFieldNames: DKIM_SIGNED_FIELDS, cacheDir: false });
  return buffer(signer.sign(raw));
}
