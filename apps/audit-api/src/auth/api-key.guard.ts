import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ApiKeyStore, ROLE_PERMISSIONS } from '@app/read-model';
import { API_KEYS } from '../tokens';
import { ACCESS_RULE, AccessRule, PUBLIC_ROUTE } from './access.decorator';
import type { AuthenticatedRequest } from './authenticated-request';

/** A route without an explicit rule needs the most: an unscoped key (fail closed). */
const DEFAULT_RULE: AccessRule = { permission: 'read', tenants: 'all' };

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * `Authorization: Bearer <key>`: no key, or one the store does not know (or revoked),
 * is 401; a known key whose role or tenant does not cover the route is 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, targets) ?? DEFAULT_RULE;
    const http = ctx.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const token = bearerToken(req.headers.authorization);
    const key = token === undefined ? undefined : await this.keys.authenticate(token);
    if (!key) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="retention-ledger"');
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
