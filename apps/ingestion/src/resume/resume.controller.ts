import { Controller, Get, Head, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { readResumeToken, type ResumeLink } from '@reclaim/contracts';
import { verifyToken } from '@reclaim/core';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { ResumeClicksService } from './resume-clicks.service';

const NOT_FOUND_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Link not available</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>This link is not available</h1><p>It may have expired. Please visit the store to find your cart.</p></body></html>`;

/**
 * `GET /r/:token` — a signed resume link: records the click, then sends the shopper to the cart.
 * `HEAD` answers the same redirect and is recorded as a prefetch (scanners check links that way).
 * The redirect never depends on the bookkeeping: it waits at most RESUME_RECORD_WAIT_MS for it.
 */
@Controller('r')
export class ResumeController {
  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly clicks: ResumeClicksService,
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

  private async answer(method: 'GET' | 'HEAD', token: string, req: Request, res: Response): Promise<void> {
    const at = new Date();
    const link = readResumeToken(verifyToken(token, this.config.RESUME_LINK_SECRET), at);
    if (!link) {
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    await this.within(
      this.config.RESUME_RECORD_WAIT_MS,
      this.clicks.record(link, { method, userAgent: req.get('user-agent'), at }),
    );
    this.redirect(res, link);
  }

  private redirect(res: Response, link: ResumeLink): void {
    res.setHeader('Cache-Control', 'no-store'); // every visit reaches us, and is judged
    res.redirect(302, link.url);
  }

  /** Waits for `work` (which never rejects) or `ms`, whichever comes first; `work` goes on regardless. */
  private async within(ms: number, work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
