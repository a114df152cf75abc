import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './ingestion-gate.middleware';
import { StoreRateLimiter, type RateVerdict } from './domain/store-rate-limit';
import { RefusedError } from './refused.error';

/** 429 in the contract's shape, with Retry-After: when the store's window frees. */
export function rateLimited(verdict: Extract<RateVerdict, { ok: false }>, windowMs: number): RefusedError {
  return new RefusedError(
    429,
    'rate_limited',
    `over the store's rate of ${verdict.allowed} ${verdict.limit} per ${windowMs / 1000} s; retry after the Retry-After header`,
    verdict.retryAfterMs,
  );
}

/**
 * Rate limit per store (the API key's owner), not per IP: one store's burst cannot starve
 * another. Counts requests here; EventsService counts the batch's events once it is validated.
 * Counts are kept per instance (in memory); behind several instances the effective limit multiplies.
 */
@Injectable()
export class StoreRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: StoreRateLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const verdict = this.limiter.take(req.storeId ?? '', { requests: 1 });
    if (!verdict.ok) throw rateLimited(verdict, this.limiter.limits.windowMs);
    return true;
  }
}
