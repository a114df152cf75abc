import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { decodeUtf8Strict } from '@reclaim/contracts';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { AppErrorFilter } from '../http/app-error.filter';
import { validateBatch } from './domain/batch';
import { EventsService, type IngestResult } from './events.service';
import type { AdmittedRequest } from './admission';
import type { AuthenticatedRequest } from './ingestion-gate.middleware';
import { StoreRateLimitGuard } from './store-rate-limit.guard';

@Controller('v1/events')
@UseFilters(AppErrorFilter)
@UseGuards(StoreRateLimitGuard)
export class EventsController {
  constructor(
    private readonly events: EventsService,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  @Post()
  @HttpCode(202)
  async ingest(@Req() req: AuthenticatedRequest & AdmittedRequest, @Body() raw: unknown): Promise<IngestResult> {
    // Strict UTF-8: an invalid byte is refused, never stored as U+FFFD (docs/EVENTS.md, "Strings").
    const text = Buffer.isBuffer(raw) ? decodeUtf8Strict(raw) : '';
    if (text === undefined) throw invalidBody('body is not valid UTF-8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw invalidBody(`body is not valid JSON: ${(error as Error).message}`);
    }
    const validation = validateBatch(body, {
      now: new Date(),
      maxEventAgeMs: this.config.INGESTION_MAX_EVENT_AGE,
      maxClockSkewMs: this.config.INGESTION_MAX_CLOCK_SKEW,
      httpsOnly: this.config.NODE_ENV === 'production',
    });
    if (!validation.ok) {
      const batch = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
      this.events.countRejected(Array.isArray(batch) ? batch.length : 0);
      throw new BadRequestException({ error: 'validation_failed', details: validation.details });
    }
    return this.events.ingest(req.storeId ?? '', validation.events, req.admission);
  }
}

const invalidBody = (message: string) =>
  new BadRequestException({ error: 'validation_failed', details: [{ index: null, path: '', message }] });
