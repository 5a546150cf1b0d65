import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ApiKeyStore, ROLE_PERMISSIONS } from '@app/read-model';
import { CLOCK, Clock } from '@app/config';
import { API_KEYS, AUTH_LIMITER } from '../tokens';
import type { AuthFailureLimiter } from './auth-failure-limiter';
import { ACCESS_RULE, AccessRule, PUBLIC_ROUTE } from './access.decorator';
import type { AuthenticatedRequest } from './authenticated-request';
import { KeyCache } from './key-cache';

/** A route without an explicit rule needs the most: an unscoped key (fail closed). */
const DEFAULT_RULE: AccessRule = { permission: 'read', tenants: 'all' };

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * `Authorization: Bearer <key>`: a client address that failed too often is 429 first
 * (see AuthFailureLimiter); no key, or one the store does not know (or revoked),
 * is 401; a known key whose role or tenant does not cover the route is 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: KeyCache;

  constructor(
    @Inject(API_KEYS) store: ApiKeyStore,
    @Inject(AUTH_LIMITER) private readonly failures: AuthFailureLimiter,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reflector: Reflector,
  ) {
    // Wall time, not the injected clock: the TTL is about this process, not the policy's time.
    this.keys = new KeyCache(store);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, targets) ?? DEFAULT_RULE;
    const http = ctx.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const res = http.getResponse<Response>();
    const client = req.ip ?? 'unknown';
    const wait = this.failures.retryAfterMs(client, this.clock().getTime());
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw new HttpException(
        'too many failed authentications from this address: try again after Retry-After seconds',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const token = bearerToken(req.headers.authorization);
    const key = token === undefined ? undefined : await this.keys.authenticate(token);
    if (!key) {
      this.failures.recordFailure(client, this.clock().getTime());
      res.setHeader('WWW-Authenticate', 'Bearer realm="retention-ledger"');
      throw new UnauthorizedException(
        token === undefined
          ? 'an API key is required: send Authorization: Bearer <key> (retention-ledger keys create)'
          : 'unknown or revoked API key',
      );
    }
    req.apiKey = key;
    if (!ROLE_PERMISSIONS[key.role].includes(rule.permission)) {
      throw new ForbiddenException(`a key with role ${key.role} may not ${rule.permission}`);
    }
    if (key.tenantId !== null) this.checkTenant(rule, key.tenantId, req);
    return true;
  }

  private checkTenant(rule: AccessRule, own: string, req: AuthenticatedRequest): void {
    if (rule.tenants === 'all') {
      throw new ForbiddenException(`this key is scoped to tenant ${own}; this route spans every tenant`);
    }
    const wanted = rule.tenants === 'path' ? req.params.tenantId : req.query.tenant;
    if (wanted !== own) {
      throw new ForbiddenException(
        rule.tenants === 'query' && wanted === undefined
          ? `this key is scoped to tenant ${own}: pass tenant=${own}`
          : `this key is scoped to tenant ${own}`,
      );
    }
  }
}
