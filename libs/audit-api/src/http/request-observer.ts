import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@app/config';
import type { ApiMetrics } from '../metrics/api-metrics';
import type { AuthenticatedRequest } from '../auth/authenticated-request';

/**
 * One structured log line and one latency sample per request. Logged: method, the route
 * pattern (not the URL, whose query may carry anything), status, duration and the id of
 * the key used. Never the Authorization header or a key.
 */
export function requestObserver(log: Logger, metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route: unknown = req.route?.path;
      const pattern = typeof route === 'string' ? route : 'unmatched';
      metrics.observeRequest(req.method, pattern, res.statusCode, seconds);
      const keyId = (req as AuthenticatedRequest).apiKey?.id;
      log[res.statusCode >= 500 ? 'error' : 'info'](
        {
          method: req.method,
          route: pattern,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          ...(keyId ? { keyId } : {}),
        },
        'api request',
      );
    });
    next();
  };
}
