import { SMTPServer } from 'smtp-server';
import { Contracts, Topics, type TouchDue } from '@reclaim/contracts';
import { buildMessage, type Kafka } from '@reclaim/kafka';
import { freePort } from '@reclaim/testing';
import { benchDatabase, percentile, seconds, startService } from './bench-kit';

/** A local SMTP server that accepts every message (the provider side of the email benchmark). */
async function smtpSink(): Promise<{ url: string; accepted: () => number; stop(): Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
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

function touch(i: number, runId: string): TouchDue {
  const id = `bench-${runId}-${i}`;
  return {
    touchId: `touch-${id}`,
    abandonmentId: `ab-${id}`,
    storeId: 'bench',
    cartId: `cart-${id}`,
    channel: 'email',
    sequence: 1,
    template: 'reminder',
    incentive: 'none',
    segment: 'first_time',
    customer: { id: `c-${id}`, email: `shopper-${id}@bench.example`, firstName: 'Ann' },
    cart: {
      currency: 'EUR',
      value: 9800,
      items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 2, unitPrice: 4900 }],
    },
    abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
    dueAt: new Date().toISOString(),
  };
}

/**
 * Touches/s through the email service: N due email touches published at once; each goes through
 * the ledger claim, both suppression barriers, rendering, its own SMTP connection and the delivery
 * report. Measured from publishing to the last `sent` on reclaim.deliveries.v1, with each touch's
 * latency from publish to its outcome.
 */
export async function emailBench(kafka: Kafka, prefix: string, runId: string, total: number): Promise<string> {
  const smtp = await smtpSink();
  const db = benchDatabase(`reclaim_bench_email_${runId}`);
  const port = await freePort();
  const outcomes = new Map<string, { status: string; at: bigint }>();
  const consumer = kafka.consumer({ groupId: `${prefix}bench-observer` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${Topics.deliveries.name}`, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const d = JSON.parse(message.value?.toString() ?? '{}') as { touchId?: string; status?: string };
      if (d.touchId && d.status && !outcomes.has(d.touchId))
        outcomes.set(d.touchId, { status: d.status, at: process.hrtime.bigint() });
      return Promise.resolve();
    },
  });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const service = await startService('email', port, {
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: db.url,
    EMAIL_PORT: String(port),
    SMTP_URL: smtp.url,
  });
  const waitFor = async (ids: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!ids.every((id) => outcomes.has(id))) {
      if (Date.now() > deadline)
        throw new Error(`email bench: ${ids.filter((id) => !outcomes.has(id)).length} touches unanswered`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const send = async (touches: TouchDue[]) => {
    const messages = touches.map((t) =>
      buildMessage(Contracts.touchEmail, t, { source: '/bench', topicPrefix: prefix }),
    );
    await producer.send({
      topic: messages[0]?.topic ?? '',
      acks: -1,
      messages: messages.map(({ key, value, headers }) => ({ key, value, headers })),
    });
  };
  try {
    // Warm-up: the consumer group has joined and the first connection is made before the clock starts.
    const warmUp = touch(-1, runId);
    await send([warmUp]);
    await waitFor([warmUp.touchId], 60_000);

    const touches = Array.from({ length: total }, (_, i) => touch(i, runId));
    const start = process.hrtime.bigint();
    await send(touches);
    await waitFor(
      touches.map((t) => t.touchId),
      10 * 60_000,
    );
    const elapsed = seconds(start);
    const latencies = touches.map((t) => Number((outcomes.get(t.touchId)?.at ?? start) - start) / 1e6);
    const sent = touches.filter((t) => outcomes.get(t.touchId)?.status === 'sent').length;
    return `
Reclaim email benchmark (${total} due touches at once, one email service, local SMTP)
  touches through to their outcome           : ${(total / elapsed).toFixed(1).padStart(8)} touches/s  (${elapsed.toFixed(2)} s)
  sent / handed to SMTP                      : ${sent} / ${smtp.accepted() - 1}
  time to outcome p50 / p95 / max            : ${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 95).toFixed(0)} / ${Math.max(...latencies).toFixed(0)} ms
`;
  } finally {
    await service.stop();
    await Promise.allSettled([producer.disconnect(), consumer.disconnect(), smtp.stop()]);
    await db.drop();
  }
}
