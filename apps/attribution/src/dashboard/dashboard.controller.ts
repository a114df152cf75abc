import { Body, Controller, Get, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { errorMessage, verifyToken } from '@reclaim/core';
import { readDashboardLinkToken } from '@reclaim/contracts';
import { storeForAuthorization } from '@reclaim/platform';
import { StoreAuth } from '../auth/store-auth';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';
import { redirect, sendPage } from './layout';
import { renderDashboard, renderMessage, renderSignIn } from './pages';
import { periodFromQuery } from './period';
import { SignInAttempts } from './sign-in-throttle';
import { ReportsService } from '../reports/reports.service';

const SignInForm = z.object({ key: z.string().min(1).max(512) });

/**
 * Whether a state-changing POST came from another site. SameSite=Strict already keeps the session
 * cookie off cross-site requests; this refuses them outright where the browser says where they
 * came from (Sec-Fetch-Site, else Origin), so a login form on another site cannot sign a visitor in.
 */
export function isCrossSite(req: Request): boolean {
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return false; // not a browser, or one that sends neither: nothing to go on
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" (sandboxed frames, file://) and garbage
  }
}

/**
 * The store owner's dashboard (server-rendered HTML, no script) and its sign-in. Signing in takes the
 * store's read-only reports key (REPORTS_API_KEYS) posted from a form, never in a URL, or a signed
 * dashboard link (libs/contracts/src/dashboard-link.ts); either sets the session cookie StoreAuth
 * signs. The ingestion key is not accepted here: it can post events, and a browser is no place for it.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly logger = new Logger(DashboardController.name);

  constructor(
    private readonly auth: StoreAuth,
    @Inject(ATTRIBUTION_CONFIG) private readonly config: AttributionConfig,
    private readonly reports: ReportsService,
    private readonly attempts: SignInAttempts,
  ) {}

  /** Past too many failed sign-ins from this address: 429 with Retry-After, the form saying why. */
  private throttled(req: Request, res: Response): boolean {
    const wait = this.attempts.waitSeconds(req.ip ?? 'unknown');
    if (wait === 0) return false;
    res.setHeader('Retry-After', String(wait));
    sendPage(res, 429, renderSignIn('Too many failed sign-ins from here. Wait a minute and try again.'));
    return true;
  }

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const storeId = this.auth.storeForSession(req);
    if (!storeId) {
      redirect(res, '/signin');
      return;
    }
    const now = new Date();
    const period = periodFromQuery(query, now);
    if ('error' in period) {
      sendPage(res, 400, renderMessage('Bad period', period.error, storeId));
      return;
    }
    try {
      const report = await this.reports.recovery(storeId, { from: period.from, to: period.to });
      sendPage(res, 200, renderDashboard(report, period, now));
    } catch (error) {
      this.logger.error({ msg: 'dashboard report failed', storeId, error: errorMessage(error) });
      sendPage(
        res,
        503,
        renderMessage('Report unavailable', 'The report could not be built just now. Try again in a minute.', storeId),
      );
    }
  }

  @Get('signin')
  signInForm(@Res() res: Response): void {
    sendPage(res, 200, renderSignIn());
  }

  @Post('signin')
  async signIn(@Req() req: Request, @Res() res: Response, @Body() body: unknown): Promise<void> {
    if (isCrossSite(req)) {
      sendPage(res, 403, renderSignIn('Sign-in must come from this site’s own form.'));
      return;
    }
    if (this.throttled(req, res)) return;
    const form = SignInForm.safeParse(body);
    const storeId = form.success
      ? storeForAuthorization(`Bearer ${form.data.key}`, this.config.REPORTS_API_KEYS)
      : undefined;
    if (!storeId) {
      await this.attempts.failed(req.ip ?? 'unknown');
      sendPage(res, 401, renderSignIn('That key was not accepted. Check the store reports key and try again.'));
      return;
    }
    this.auth.startSession(res, storeId);
    redirect(res, '/');
  }

  /** A dashboard link: signs in and redirects, so the token does not stay in the address bar or history. */
  @Get('signin/:token')
  async signInWithLink(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.throttled(req, res)) return;
    const storeId = readDashboardLinkToken(token, this.config.DASHBOARD_SECRET, new Date());
    if (!storeId) {
      await this.attempts.failed(req.ip ?? 'unknown');
      // Genuine and meant for the dashboard, but past its time: say so (410) rather than "not valid".
      const payload = verifyToken(token, this.config.DASHBOARD_SECRET);
      const expired = payload?.['use'] === 'dashboard' && typeof payload['exp'] === 'number';
      sendPage(
        res,
        expired ? 410 : 401,
        renderSignIn(
          expired
            ? 'That dashboard link has expired. Ask for a new one, or sign in with the store reports key.'
            : 'That dashboard link is not valid. Sign in with the store reports key.',
        ),
      );
      return;
    }
    this.auth.startSession(res, storeId);
    redirect(res, '/');
  }

  @Post('signout')
  signOut(@Req() req: Request, @Res() res: Response): void {
    if (isCrossSite(req)) {
      sendPage(res, 403, renderMessage('Not signed out', 'Sign-out must come from the dashboard itself.'));
      return;
    }
    this.auth.endSession(res);
    redirect(res, '/signin');
  }
}
