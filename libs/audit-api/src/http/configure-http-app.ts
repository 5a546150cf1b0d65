import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@app/config';
import type { ApiMetrics } from '../metrics/api-metrics';
import { serveOpenApi } from './openapi';
import { requestObserver } from './request-observer';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * What the HTTP app needs beyond its module: security headers, request logs and latency,
 * the OpenAPI document and UI.
 *
 * Headers: helmet's defaults (X-Content-Type-Options: nosniff, X-Frame-Options, Referrer-Policy,
 * Cross-Origin-*) without its CSP, which would break the OpenAPI UI: the HTML report sets
 * its own strict CSP. Strict-Transport-Security only on requests that came over TLS: the
 * process speaks plain HTTP, so that is when a proxy trusted by API_TRUST_PROXY terminated
 * TLS and said so in X-Forwarded-Proto (HSTS over plain HTTP is ignored by browsers and
 * would be a lie). /v1 answers carry tenant data: Cache-Control: no-store.
 */
export function configureHttpApp(
  app: NestExpressApplication,
  deps: { log: Logger; metrics: ApiMetrics; trustProxy: boolean | number | string },
): void {
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: false }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  });
  app.use('/v1', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(requestObserver(deps.log, deps.metrics));
  serveOpenApi(app);
}
