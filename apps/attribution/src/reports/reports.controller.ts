import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { DependencyUnavailableError, InvalidInputError } from '@reclaim/core';
import { classifyDatabaseError } from '@reclaim/persistence';
import { CurrentStore, StoreAuthGuard } from '../auth/store-auth';
import { parsePeriod } from './period';
import { RecoveryReport } from './recovery-report';
import { ReportsService } from './reports.service';

const FromQuery = ApiQuery({ name: 'from', required: false, description: 'RFC 3339; default: 30 days before `to`' });
const ToQuery = ApiQuery({ name: 'to', required: false, description: 'RFC 3339; default: now' });

/** A spreadsheet would run a cell that starts like a formula: such text gets a leading apostrophe. */
const safeCell = (value: unknown): unknown =>
  typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

/**
 * The reports API: one store's recovery report as JSON or CSV. Authenticated by the store's
 * ingestion key or read-only reports key (or a dashboard session); every answer covers only
 * that store.
 */
@ApiTags('reports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No key, or a key no store owns' })
@Controller('v1/reports')
@UseGuards(StoreAuthGuard)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('recovery')
  @FromQuery
  @ToQuery
  @ApiOkResponse({
    description: 'The recovery report for the period; lift is cumulative since the current hold-out epoch',
    schema: z.toJSONSchema(RecoveryReport, { target: 'draft-2020-12', unrepresentable: 'any' }) as object,
  })
  async recovery(@CurrentStore() storeId: string, @Query() query: Record<string, unknown>): Promise<RecoveryReport> {
    return this.answer(() => this.reports.recovery(storeId, parsePeriod(query)));
  }

  @Get('recovery.csv')
  @FromQuery
  @ToQuery
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'The breakdown rows (channel, touch, segment, angle, device, country) as CSV, one revenue column per currency',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="reclaim-recovery.csv"')
  async recoveryCsv(@CurrentStore() storeId: string, @Query() query: Record<string, unknown>): Promise<string> {
    const report = await this.answer(() => this.reports.recovery(storeId, parsePeriod(query)));
    const currencies = [...new Set(report.breakdown.flatMap((r) => Object.keys(r.revenue)))].sort();
    const header = [
      'dimension',
      'key',
      'abandoned',
      'messaged',
      'clicked',
      'recovered',
      'rate',
      ...currencies.map((c) => `revenue_${c}`),
    ];
    const rows = report.breakdown.map((r) => [
      r.dimension,
      r.key,
      r.abandoned ?? '',
      r.messaged,
      r.clicked,
      r.recovered,
      r.rate === null ? '' : r.rate.toFixed(6),
      ...currencies.map((c) => r.revenue[c] ?? 0),
    ]);
    return stringify([header, ...rows.map((row) => row.map(safeCell))], { record_delimiter: '\r\n' });
  }

  /** Bad parameters → 400 with details; the database unavailable → 503 (try again), never a 500. */
  private async answer<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new BadRequestException({ error: 'invalid_query', message: error.message, details: error.details });
      }
      if (classifyDatabaseError(error) instanceof DependencyUnavailableError)
        throw new ServiceUnavailableException({
          error: 'unavailable',
          message: 'the report store is unavailable; try again shortly',
        });
      throw error;
    }
  }
}
