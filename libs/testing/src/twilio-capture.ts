import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received (form parameters decoded). */
export interface CapturedSms {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  params: Record<string, string>;
  sid: string | undefined;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** Which TCP connection carried it (1, 2, … in the order they were accepted). */
  connection: number;
}

/** How the fake answers one request: Twilio's 201, a Twilio error, or no answer at all. */
export type Behaviour =
  | { kind: 'accept' }
  | { kind: 'error'; status: number; code?: number; message?: string; retryAfter?: string }
  /** Reads the request and never answers (the client times out after writing it). */
  | { kind: 'hang' };

/**
 * A local HTTP server speaking Twilio's Messages API wire format: `POST
 * /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, answering 201 with a Message resource
 * or `{ code, message, more_info, status }` errors. Records every request; behaviours are queued
 * per recipient (`To`), so concurrent tests with their own numbers do not disturb each other.
 */
export class TwilioCapture {
  readonly requests: CapturedSms[] = [];
  private readonly behaviours = new Map<string, Behaviour[]>();
  private readonly connections = new WeakMap<object, number>();
  private connectionsSeen = 0;
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<TwilioCapture> {
    const capture: TwilioCapture = new TwilioCapture(createServer((req, res) => capture.handle(req, res)));
    await new Promise<void>((resolve) => capture.server.listen(0, '127.0.0.1', resolve));
    return capture;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next answers for messages to `to`, in order; then it accepts. */
  behaveFor(to: string, behaviours: Behaviour[]): void {
    this.behaviours.set(to, [...behaviours]);
  }

  requestsTo(to: string): CapturedSms[] {
    return this.requests.filter((r) => r.params['To'] === to);
  }

  /** Closes every connection that is not carrying a request (a provider ending idle keep-alive connections). */
  closeIdleConnections(): void {
    this.server.closeIdleConnections();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connectionOf(socket: object): number {
    let id = this.connections.get(socket);
    if (id === undefined) this.connections.set(socket, (id = ++this.connectionsSeen));
    return id;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const to = params['To'] ?? '';
      const behaviour = this.behaviours.get(to)?.shift() ?? { kind: 'accept' };
      const sid = behaviour.kind === 'accept' ? `SM${randomBytes(16).toString('hex')}` : undefined;
      this.requests.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        params,
        sid,
        at: Date.now(),
        connection: this.connectionOf(req.socket),
      });
      if (behaviour.kind === 'hang') return;
      res.setHeader('Content-Type', 'application/json');
      if (behaviour.kind === 'error') {
        res.statusCode = behaviour.status;
        if (behaviour.retryAfter !== undefined) res.setHeader('Retry-After', behaviour.retryAfter);
        res.end(
          JSON.stringify({
            code: behaviour.code ?? null,
            message: behaviour.message ?? 'error',
            more_info: `https://www.twilio.com/docs/errors/${behaviour.code ?? ''}`,
            status: behaviour.status,
          }),
        );
        return;
      }
      res.statusCode = 201;
      res.end(
        JSON.stringify({
          sid,
          account_sid: /Accounts\/([^/]+)\//.exec(req.url ?? '')?.[1],
          to,
          from: params['From'] ?? null,
          messaging_service_sid: params['MessagingServiceSid'] ?? null,
          body: params['Body'],
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          error_code: null,
          error_message: null,
        }),
      );
    });
  }
}
