import {
  Inject,
  Injectable,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  BadRequestException,
  type NestMiddleware,
} from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MAX_BATCH_BYTES } from '@reclaim/contracts';
import { storeForAuthorization } from '@reclaim/platform';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';

const readRawBody = express.raw({ type: () => true, limit: MAX_BATCH_BYTES });

export interface AuthenticatedRequest extends Request {
  storeId?: string;
}

/**
 * Runs before the body is read: 401 for a missing or unknown key, 415 for anything but JSON,
 * 413 past 1 MiB (the body is never buffered beyond the limit).
 */
@Injectable()
export class IngestionGateMiddleware implements NestMiddleware {
  constructor(@Inject(INGESTION_CONFIG) private readonly config: IngestionConfig) {}

  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    const storeId = storeForAuthorization(req.headers.authorization, this.config.INGESTION_API_KEYS);
    if (!storeId) {
      next(
        new UnauthorizedException({
          error: 'unauthorized',
          message: 'missing or unknown API key (Authorization: Bearer <key>)',
        }),
      );
      return;
    }
    req.storeId = storeId;
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      next(
        new UnsupportedMediaTypeException({
          error: 'unsupported_media_type',
          message: 'Content-Type must be application/json',
        }),
      );
      return;
    }
    readRawBody(req, res, (err?: unknown) => {
      if (!err) {
        next();
        return;
      }
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large') {
        next(
          new PayloadTooLargeException({
            error: 'payload_too_large',
            message: `body exceeds ${MAX_BATCH_BYTES} bytes`,
          }),
        );
        return;
      }
      next(new BadRequestException({ error: 'bad_request', message: 'could not read the request body' }));
    });
  }
}
