import { Controller, Get, Inject, Logger, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Contracts, readResumeToken } from '@reclaim/contracts';
import { errorMessage, newId, verifyToken } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';

const NOT_FOUND_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Link not available</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>This link is not available</h1><p>It may have expired. Please visit the store to find your cart.</p></body></html>`;

/** `GET /r/:token` — a signed resume link: records the click, then sends the shopper to the cart. */
@Controller('r')
export class ResumeController {
  private readonly logger = new Logger(ResumeController.name);

  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly publisher: EventPublisher,
  ) {}

  @Get(':token')
  async resume(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const link = readResumeToken(verifyToken(token, this.config.RESUME_LINK_SECRET), new Date());
    if (!link) {
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    try {
      await this.publisher.publish(Contracts.delivery, [
        {
          deliveryId: `${link.touchId}:clicked:${newId()}`,
          touchId: link.touchId,
          storeId: link.storeId,
          cartId: link.cartId,
          channel: link.channel,
          status: 'clicked',
          at: new Date().toISOString(),
        },
      ]);
    } catch (error) {
      // The shopper still gets to the cart; the lost click is logged.
      this.logger.error(`click not recorded for touch ${link.touchId}: ${errorMessage(error)}`);
    }
    res.redirect(302, link.url);
  }
}
