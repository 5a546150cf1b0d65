export * from './audit-api.module';
export * from './pipeline-probes';
export * from './tokens';
export { ApiMetrics, type MetricSources } from './metrics/api-metrics';
export { METRIC } from './metrics/metric-names';
export { meterSettlements } from './metrics/settlement-meter';
export { configureHttpApp } from './http/configure-http-app';
export { openApiDocument } from './http/openapi';
export { PinoNestLogger } from './http/pino-nest-logger';
