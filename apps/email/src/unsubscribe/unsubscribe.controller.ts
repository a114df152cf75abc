import { Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { UNSUBSCRIBE_CONFIRM_PAGE, UNSUBSCRIBE_DONE_PAGE, UNSUBSCRIBE_INVALID_PAGE } from '../templates';
import { maskedAddress } from '../content/domain/links';
import { UnsubscribeService } from './unsubscribe.service';

const confirmPage = Handlebars.compile(UNSUBSCRIBE_CONFIRM_PAGE);

/**
 * RFC 8058 one-click unsubscribe. `POST /unsubscribe/:token` (what mail clients send for
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and what the confirmation form posts)
 * unsubscribes. `GET` only shows the confirmation page: link scanners and prefetchers GET
 * links, and must never unsubscribe anyone; the page shows the address masked (`a…@example.com`),
 * since whoever holds the link sees it.
 */
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  confirm(@Param('token') token: string, @Res({ passthrough: true }) res: Response): string {
    const recipient = this.unsubscribes.recipientOf(token);
    if (!recipient) {
      res.status(404);
      return UNSUBSCRIBE_INVALID_PAGE;
    }
    return confirmPage({ email: maskedAddress(recipient.email), action: `/unsubscribe/${token}` });
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async unsubscribe(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!(await this.unsubscribes.unsubscribe(token))) {
      res.status(404);
      return UNSUBSCRIBE_INVALID_PAGE;
    }
    return UNSUBSCRIBE_DONE_PAGE;
  }
}
