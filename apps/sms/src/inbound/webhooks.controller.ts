import {
  BadRequestException,
  Controller,
  ForbiddenException,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  type RawBodyRequest,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { identifierProblem } from '@reclaim/contracts';
import { twiml } from './domain/twiml';
import { WebhooksService } from './webhooks.service';

/**
 * The provider's webhooks (Twilio wire format, form-encoded). Each is verified on the raw body:
 * 400 when it is not strict UTF-8 or a parameter holds what no provider sends (U+0000, control
 * characters in an id), 403 when the signature does not match, 503 when the service has no public
 * URL or auth token.
 */
@Controller('sms')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('inbound')
  @HttpCode(200)
  async inbound(@Req() req: RawBodyRequest<Request>, @Res({ passthrough: true }) res: Response): Promise<string> {
    const answer = await this.webhooks.inbound(this.verified(req));
    res.type('text/xml');
    return answer;
  }

  @Post('status')
  @HttpCode(200)
  async status(
    @Req() req: RawBodyRequest<Request>,
    @Res({ passthrough: true }) res: Response,
    @Query('touchId') touchId?: unknown,
  ): Promise<string> {
    const params = this.verified(req);
    if (touchId !== undefined && (typeof touchId !== 'string' || identifierProblem(touchId))) {
      throw new BadRequestException({
        error: 'validation_failed',
        details: [{ path: 'touchId', message: 'must be one touch id without control characters' }],
      });
    }
    await this.webhooks.status(params, touchId);
    res.type('text/xml');
    return twiml();
  }

  private verified(req: RawBodyRequest<Request>): URLSearchParams {
    const verdict = this.webhooks.verify(req.originalUrl, req.rawBody, req.header('x-twilio-signature'));
    if (verdict.ok) return verdict.params;
    if (verdict.why === 'not_configured') throw new ServiceUnavailableException('SMS webhooks are not configured');
    if (verdict.why === 'unreadable') {
      // 400, not 500: the provider does not retry a request refused for what it holds.
      throw new BadRequestException({ error: 'validation_failed', details: verdict.problems });
    }
    throw new ForbiddenException('invalid X-Twilio-Signature');
  }
}
