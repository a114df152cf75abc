import { SMTPServer } from 'smtp-server';
import { freePort } from '@reclaim/testing';
import { benchTouch, type ChannelRig } from './channel-bench';

/** A local SMTP server that takes every message (the provider side of the email rows). */
export async function smtpSink(): Promise<{ url: string; accepted: () => number; stop(): Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Every touch opens its own connection: room for all of them at once.
    maxClients: 10_000,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted++;
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => accepted,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The email service handing messages to a local SMTP server. */
export async function emailRig(runId: string): Promise<ChannelRig> {
  const smtp = await smtpSink();
  return {
    channel: 'email',
    env: { SMTP_URL: smtp.url },
    handedOff: smtp.accepted,
    touch: (i) =>
      benchTouch('email', i, runId, 'reminder', {
        id: `c-${runId}-${i}`,
        email: `shopper-${runId}-${i}@bench.example`,
        firstName: 'Ann',
      }),
    stop: () => smtp.stop(),
  };
}
