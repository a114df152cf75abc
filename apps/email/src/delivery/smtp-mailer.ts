import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpErrorFacts } from './domain/smtp-failure';
import { EMAIL_CONFIG, type EmailConfig } from '../config';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

/** The SMTP provider adapter (nodemailer over SMTP_URL). Errors are thrown as nodemailer raised them. */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(EMAIL_CONFIG) config: EmailConfig) {
    this.transport = createTransport({
      url: config.SMTP_URL,
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS * 2,
    });
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const info: { messageId?: unknown } = await this.transport.sendMail({
      from: email.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: email.messageId,
      headers: email.headers,
    });
    return { messageId: typeof info.messageId === 'string' ? info.messageId : email.messageId };
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/** The facts of a nodemailer error the classifier looks at (anything else: none). */
export function smtpErrorFacts(error: unknown): SmtpErrorFacts {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(e['code']),
    responseCode: typeof e['responseCode'] === 'number' ? e['responseCode'] : undefined,
    command: str(e['command']),
    originalCode: str(e['originalCode']),
    timeoutType: str(e['timeoutType']),
  };
}
