import { Controller, Get, Head, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { inspectResumeToken, openResumeToken, type ResumeLink } from '@reclaim/contracts';
import { errorMessage } from '@reclaim/core';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { landingView } from '../landing/domain/landing-view';
import { LandingReadModelRepository } from '../landing/landing-read-model.repository';
import { checkDestination, checkoutUrl, storeHome, storePolicy, type StorePolicy } from './domain/store-policy';
import { renderError, renderLanding, renderOrderComplete, setPageHeaders, type ErrorPageKind } from './landing-pages';
import { ResumeClicksService } from './resume-clicks.service';

/** The landing page waits at most this long for the read model; past it the shopper is redirected to the store's cart. */
const LANDING_READ_TIMEOUT_MS = 2_000;

/**
 * `GET /r/:token` — a sealed (or, from before sealing, signed) resume link: records the click, then sends the shopper to the cart:
 * a 302 to the store's cart page, or — for a store whose landing is `reclaim` — Reclaim's own page
 * for the cart (200), from ingestion's landing read model (a cart it does not know yet is redirected).
 * Whatever the token says, the shopper only goes to an allowed host of the store the token names
 * (https in production); anything else, a tampered (404) or expired (410) link included, gets a
 * friendly HTML page and records nothing. `HEAD` answers the same and is recorded as a prefetch
 * (scanners check links that way). The answer never depends on the bookkeeping: it waits at most
 * RESUME_RECORD_WAIT_MS for it.
 */
@Controller('r')
export class ResumeController {
  private readonly logger = new Logger(ResumeController.name);

  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly clicks: ResumeClicksService,
    private readonly readModel: LandingReadModelRepository,
  ) {}

  // HEAD has a route of its own (Express would hand it to the GET handler, which checks too).
  @Head(':token')
  async check(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answer('HEAD', token, req, res);
  }

  @Get(':token')
  async resume(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answer(req.method === 'HEAD' ? 'HEAD' : 'GET', token, req, res);
  }

  private get httpsOnly(): boolean {
    return this.config.NODE_ENV === 'production';
  }

  private async answer(method: 'GET' | 'HEAD', token: string, req: Request, res: Response): Promise<void> {
    const at = new Date();
    const reading = inspectResumeToken(openResumeToken(token, this.config.RESUME_LINK_SECRET), at);
    if (reading.status === 'invalid') {
      this.errorPage(res, 404, 'not-available');
      return;
    }
    // The payload is the channel's word (it opened with our key): the store it names is the store.
    const policy = storePolicy(reading.link.storeId, this.config.RESUME_STORES, this.config.STORE_CART_URL_TEMPLATE);
    if (reading.status === 'expired') {
      this.errorPage(res, 410, 'expired', policy);
      return;
    }
    const destination = checkDestination(reading.link.url, policy, { httpsOnly: this.httpsOnly });
    if (!destination.ok) {
      this.logger.warn(`resume link refused for touch ${reading.link.touchId}: ${destination.why}`);
      this.errorPage(res, 404, 'not-available', policy);
      return;
    }
    const link: ResumeLink = { ...reading.link, url: destination.url };
    const [, page] = await Promise.all([
      this.within(
        this.config.RESUME_RECORD_WAIT_MS,
        this.clicks.record(link, { method, userAgent: req.get('user-agent'), at }),
      ),
      policy.landing === 'reclaim' ? this.landingPage(link, policy, at) : undefined,
    ]);
    if (page !== undefined) {
      setPageHeaders(res, { httpsOnly: this.httpsOnly });
      res.status(200).send(page);
      return;
    }
    this.redirect(res, link);
  }

  /**
   * Reclaim's page for the link's cart, or undefined — the cart is not in the read model yet
   * (consumer lag), has nothing to show, or the read failed or was slow — and the shopper is
   * redirected to the store's cart instead: a valid link never ends in an error.
   */
  private async landingPage(link: ResumeLink, policy: StorePolicy, now: Date): Promise<string | undefined> {
    const read = this.readModel.load(link.storeId, link.cartId, link.touchId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), LANDING_READ_TIMEOUT_MS)),
    );
    let data: Awaited<typeof read> | 'timeout';
    try {
      data = await Promise.race([read, timeout]);
    } catch (error) {
      this.logger.warn(`landing page for cart ${link.cartId} not shown (redirected): ${errorMessage(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
      read.catch(() => undefined);
    }
    if (data === 'timeout' || data === undefined) {
      this.logger.log(
        `landing page for cart ${link.cartId} not shown (redirected): ${data === 'timeout' ? 'read model slow' : 'cart not in the read model yet'}`,
      );
      return undefined;
    }
    const storeName = policy.name ?? 'the store';
    const { cart } = data;
    // Ordered, unless the cart has changed since (a store that reuses a cart id after an order).
    if (cart.orderedAt !== null && (cart.contentsAt === null || cart.orderedAt >= cart.contentsAt))
      return renderOrderComplete(storeName, storeHome(policy, { httpsOnly: this.httpsOnly }));
    if (cart.items === null || cart.items.length === 0 || cart.currency === null || cart.contentsAt === null) {
      this.logger.log(`landing page for cart ${link.cartId} not shown (redirected): the cart is empty`);
      return undefined;
    }
    const view = landingView({
      storeName,
      currency: cart.currency,
      items: cart.items,
      contentsAt: cart.contentsAt,
      facts: data.facts,
      timezone: cart.timezone,
      checkoutUrl: checkoutUrl(policy, link.cartId, link.url, { httpsOnly: this.httpsOnly }),
      now,
      httpsOnly: this.httpsOnly,
      ...(data.incentive ? { incentive: data.incentive } : {}),
      ...(policy.returns !== undefined ? { returns: policy.returns } : {}),
      ...(policy.delivery !== undefined ? { delivery: policy.delivery } : {}),
      ...(policy.support !== undefined ? { support: policy.support } : {}),
    });
    return renderLanding(view);
  }

  /** A friendly page (never JSON); it links to the store's home when the link named a store. */
  private errorPage(res: Response, status: 404 | 410, kind: ErrorPageKind, policy?: StorePolicy): void {
    const store: { name?: string; home?: string } = {};
    if (policy?.name !== undefined) store.name = policy.name;
    const home = policy && storeHome(policy, { httpsOnly: this.httpsOnly });
    if (home !== undefined) store.home = home;
    setPageHeaders(res, { httpsOnly: this.httpsOnly });
    res.status(status).send(renderError(kind, store));
  }

  private redirect(res: Response, link: ResumeLink): void {
    res.setHeader('Cache-Control', 'no-store'); // every visit reaches us, and is judged
    res.setHeader('Referrer-Policy', 'no-referrer'); // the link's URL holds the token
    res.redirect(302, link.url);
  }

  /** Waits for `work` (which never rejects) or `ms`, whichever comes first; `work` goes on regardless. */
  private async within(ms: number, work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
