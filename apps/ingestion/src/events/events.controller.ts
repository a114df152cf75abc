import { BadRequestException, Body, Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
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
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  async ingest(@Req() req: AuthenticatedRequest & AdmittedRequest, @Body() raw: unknown): Promise<IngestResult> {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
    } catch (error) {
      throw new BadRequestException({
        error: 'validation_failed',
        details: [{ index: null, path: '', message: `body is not valid JSON: ${(error as Error).message}` }],
      });
    }
    const validation = validateBatch(body);
    if (!validation.ok) {
      const batch = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
      this.events.countRejected(Array.isArray(batch) ? batch.length : 0);
      throw new BadRequestException({ error: 'validation_failed', details: validation.details });
    }
    return this.events.ingest(req.storeId ?? '', validation.events, req.admission);
  }
}
