import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@app/config';
import type { ApiMetrics } from '../metrics/api-metrics';
import { serveOpenApi } from './openapi';
import { requestObserver } from './request-observer';

/** What the HTTP app needs beyond its module: request logs and latency, the OpenAPI document and UI. */
export function configureHttpApp(
  app: NestExpressApplication,
  deps: { log: Logger; metrics: ApiMetrics },
): void {
  app.disable('x-powered-by');
  app.use(requestObserver(deps.log, deps.metrics));
  serveOpenApi(app);
}
