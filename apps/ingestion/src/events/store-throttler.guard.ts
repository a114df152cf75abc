import { HttpException, HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

/**
 * Rate limit per store (the API key's owner), not per IP: one store's burst cannot starve
 * another. Answers 429 with a Retry-After header and the contract's error shape. Counts are kept
 * per instance (in memory); behind several instances the effective limit multiplies.
 */
@Injectable()
export class StoreThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve(`store:${String(req['storeId'])}`);
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new HttpException(
      {
        error: 'rate_limited',
        message: `over the store's rate of ${detail.limit} requests per ${detail.ttl / 1000} s; retry after the Retry-After header`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
