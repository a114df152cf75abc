import {
  Inject,
  Injectable,
  UnauthorizedException,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import { signToken, verifyToken } from '@reclaim/core';
import { storeForAuthorization } from '@reclaim/platform';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';

export const SESSION_COOKIE = 'reclaim_session';

/** A request the guard let in carries the store it speaks for. */
export interface StoreRequest extends Request {
  storeId?: string;
}

/**
 * Who a reports request speaks for: `Authorization: Bearer` with the store's ingestion key or its
 * read-only reports key, or a dashboard session cookie (HttpOnly, SameSite=Strict, signed with
 * DASHBOARD_SECRET). Every query is then scoped to that store: no store sees another's data.
 */
@Injectable()
export class StoreAuth {
  constructor(@Inject(ATTRIBUTION_CONFIG) private readonly config: AttributionConfig) {}

  /** The store behind a bearer key (ingestion or reports key), or undefined. */
  storeForKey(authorization: string | undefined): string | undefined {
    return storeForAuthorization(authorization, [...this.config.INGESTION_API_KEYS, ...this.config.REPORTS_API_KEYS]);
  }

  /** The store of a valid, unexpired session cookie, or undefined. */
  storeForSession(req: Request): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const token = parseCookies(header)[SESSION_COOKIE];
    const payload = token ? verifyToken(token, this.config.DASHBOARD_SECRET) : undefined;
    if (!payload || payload['use'] !== 'session') return undefined;
    const { s, exp } = payload;
    if (typeof s !== 'string' || typeof exp !== 'number' || exp * 1000 <= Date.now()) return undefined;
    return s;
  }

  storeFor(req: Request): string | undefined {
    return req.headers.authorization !== undefined
      ? this.storeForKey(req.headers.authorization)
      : this.storeForSession(req);
  }

  /** A signed session token for `storeId`, valid for DASHBOARD_SESSION_TTL: the value of the session cookie. */
  sessionToken(storeId: string): string {
    const exp = Math.floor((Date.now() + this.config.DASHBOARD_SESSION_TTL) / 1000);
    return signToken({ s: storeId, use: 'session', exp }, this.config.DASHBOARD_SECRET);
  }

  /** Signs `storeId` in: an HttpOnly, SameSite=Strict session cookie (Secure in production). */
  startSession(res: Response, storeId: string): void {
    const ttl = this.config.DASHBOARD_SESSION_TTL;
    const token = this.sessionToken(storeId);
    res.setHeader(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: this.config.NODE_ENV === 'production',
        path: '/',
        maxAge: Math.floor(ttl / 1000),
      }),
    );
  }

  endSession(res: Response): void {
    res.setHeader(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 }),
    );
  }
}

/** Lets a reports API request in only with a store's key or session; 401 with WWW-Authenticate otherwise. */
@Injectable()
export class StoreAuthGuard implements CanActivate {
  constructor(private readonly auth: StoreAuth) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<StoreRequest>();
    const storeId = this.auth.storeFor(req);
    if (!storeId) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="reclaim-reports"');
      throw new UnauthorizedException('a store ingestion key or reports key is required: Authorization: Bearer <key>');
    }
    req.storeId = storeId;
    return true;
  }
}

/** The store the guard resolved. */
export const CurrentStore = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const storeId = context.switchToHttp().getRequest<StoreRequest>().storeId;
  if (!storeId) throw new UnauthorizedException();
  return storeId;
});
