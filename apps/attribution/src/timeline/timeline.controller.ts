import {
  BadRequestException,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SafeId } from '@reclaim/contracts';
import { CurrentStore, StoreAuth, StoreAuthGuard } from '../auth/store-auth';
import { TimelineDto } from './timeline.dto';
import { renderCartNotFoundPage, renderTimelinePage } from './timeline-page';
import { TimelineService, type Timeline } from './timeline.service';

/** A cart id as the storefront contract allows it (libs/contracts/src/storefront-event.ts). */
const CartId = SafeId(128);

/** The cart id of a request, or a 400 that says what is wrong with it. */
function cartIdOf(value: string): string {
  const parsed = CartId.safeParse(value);
  if (!parsed.success) {
    throw new BadRequestException({ message: 'invalid cart id', details: parsed.error.issues.map((i) => i.message) });
  }
  return parsed.data;
}

/** Pages are never cached, never framed, and load nothing but themselves (their CSS is inline). */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * "Explain this cart": every event, decision and touch of one cart with its reason in words, so
 * support can answer "why did (or didn't) this shopper get a message?" in one look. The API answers
 * a store's keys (ingestion or reports) or its dashboard session; the page a signed-in session.
 */
@ApiTags('timeline')
@ApiBearerAuth()
@Controller()
export class TimelineController {
  constructor(
    private readonly timelines: TimelineService,
    private readonly auth: StoreAuth,
  ) {}

  @Get('v1/carts/:cartId/timeline')
  @UseGuards(StoreAuthGuard)
  @ApiOperation({
    summary: "One cart's timeline",
    description:
      "Every storefront event, abandonment, decision, scheduled touch, delivery, click, incentive, suppression and recovery of the cart, in time order, each with its reason in words. Only carts of the key's store.",
  })
  @ApiParam({ name: 'cartId', description: 'The cart id the storefront sent', example: 'cart-42' })
  @ApiOkResponse({ type: TimelineDto })
  @ApiBadRequestResponse({ description: 'The cart id is not a valid id' })
  @ApiUnauthorizedResponse({ description: 'No valid store key or session' })
  @ApiNotFoundResponse({ description: 'Nothing is recorded for this cart in the caller’s store' })
  async timeline(@CurrentStore() storeId: string, @Param('cartId') cartId: string): Promise<TimelineDto> {
    const timeline = await this.timelines.timelineOf(storeId, cartIdOf(cartId));
    if (!timeline) throw new NotFoundException(`no cart ${cartId} in store ${storeId}`);
    return timeline;
  }

  /** The search form's target: to the cart's page. */
  @Get('carts')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  openCart(@Req() req: Request, @Res() res: Response, @Query('cartId') cartId: unknown): void {
    const storeId = this.auth.storeForSession(req);
    if (!storeId) {
      res.redirect(303, '/signin');
      return;
    }
    const id = typeof cartId === 'string' ? cartId.trim() : '';
    if (!id) {
      this.page(res, 400, renderCartNotFoundPage(storeId, ''));
      return;
    }
    res.redirect(303, `/carts/${encodeURIComponent(id)}`);
  }

  @Get('carts/:cartId')
  @ApiExcludeEndpoint()
  async cartPage(@Req() req: Request, @Res() res: Response, @Param('cartId') cartId: string): Promise<void> {
    const storeId = this.auth.storeForSession(req);
    if (!storeId) {
      res.redirect(303, '/signin');
      return;
    }
    const valid = CartId.safeParse(cartId);
    const timeline: Timeline | undefined = valid.success
      ? await this.timelines.timelineOf(storeId, valid.data)
      : undefined;
    if (!timeline) {
      this.page(res, valid.success ? 404 : 400, renderCartNotFoundPage(storeId, cartId));
      return;
    }
    this.page(res, 200, renderTimelinePage(timeline));
  }

  private page(res: Response, status: number, html: string): void {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': PAGE_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      })
      .send(html);
  }
}
