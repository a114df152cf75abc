import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, DependencyUnavailableError, InvalidInputError } from '@reclaim/core';
import { RefusedError } from '../events/refused.error';

/** Maps application errors to HTTP once: invalid → 400 with details, refused → 429/503, unavailable → 503. */
@Catch(AppError)
export class AppErrorFilter implements ExceptionFilter<AppError> {
  catch(error: AppError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent || res.destroyed) return; // e.g. the client left: nobody to answer
    if (error instanceof RefusedError) {
      res
        .status(error.status)
        .setHeader('Retry-After', String(error.retryAfterSeconds()))
        .json({ error: error.error, message: error.message });
      return;
    }
    if (error instanceof DependencyUnavailableError) {
      res.status(503).setHeader('Retry-After', '5').json({
        error: 'unavailable',
        message:
          'Kafka or the event store is unavailable: nothing from this batch was accepted; retry with the same ids',
      });
      return;
    }
    if (error instanceof InvalidInputError) {
      res.status(400).json({ error: 'validation_failed', details: error.details.map((d) => ({ index: null, ...d })) });
      return;
    }
    res.status(500).json({ error: 'internal', code: error.code });
  }
}
