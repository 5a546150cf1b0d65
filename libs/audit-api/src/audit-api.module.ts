import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import type { ApiKeyStore } from '@app/read-model';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { HealthController } from './health/health.controller';
import { PipelineHealth } from './health/pipeline-health';
import { ParametersPipe } from './http/parameters.pipe';
import { KafkaAdminService } from './kafka-admin.service';
import type { ApiMetrics } from './metrics/api-metrics';
import { MetricsController } from './metrics/metrics.controller';
import type { PipelineProbes } from './pipeline-probes';
import { AuditController } from './routes/audit.controller';
import { LedgerController } from './routes/ledger.controller';
import { ObligationsController } from './routes/obligations.controller';
import { SubjectsController } from './routes/subjects.controller';
import { OperatorActionsController } from './routes/operator-actions.controller';
import { RebuildController } from './routes/rebuild.controller';
import { StatsController } from './routes/stats.controller';
import { VerifyController } from './routes/verify.controller';
import { CheckpointController } from './routes/checkpoint.controller';
import { DEFAULT_HEAVY_JOBS, HeavyJobs } from './heavy/heavy-jobs';
import {
  API_KEYS,
  API_METRICS,
  AUTH_LIMITER,
  CHECKPOINTS,
  HEAVY_JOBS,
  PIPELINE_PROBES,
  type CheckpointSource,
} from './tokens';

export interface AuditApiDeps {
  keys: ApiKeyStore;
  metrics: ApiMetrics;
  pipeline: PipelineProbes;
  /**
   * API_RATE_LIMIT, API_AUTH_FAILURE_LIMIT per API_RATE_WINDOW, per client address;
   * API_HEAVY_JOBS: verify / large audit reports at once, in worker threads (see HeavyJobs).
   */
  limits: { requests: number; authFailures: number; windowMs: number; heavyJobs?: number };
  checkpoints: CheckpointSource;
}

/**
 * The auditor and operator HTTP surface. Needs APP_CONFIG, LOGGER, KAFKA, LEDGER_STORE,
 * READ_MODEL and CLOCK from the composition root, which also hands in the key store,
 * the metrics and what it lets the API see of the other services.
 */
@Module({})
export class AuditApiModule {
  static forRoot(deps: AuditApiDeps): DynamicModule {
    return {
      module: AuditApiModule,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: deps.limits.windowMs, limit: deps.limits.requests }],
          // Probes and scrapers are not throttled: a 429 there would read as an outage.
          skipIf: (ctx) => !ctx.switchToHttp().getRequest<Request>().path.startsWith('/v1'),
          getTracker: (req: Record<string, unknown>) => String(req.ip ?? 'unknown'),
          errorMessage: 'too many requests from this address: try again after Retry-After seconds',
        }),
      ],
      controllers: [
        LedgerController,
        ObligationsController,
        OperatorActionsController,
        SubjectsController,
        AuditController,
        VerifyController,
        CheckpointController,
        StatsController,
        RebuildController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: API_KEYS, useValue: deps.keys },
        { provide: API_METRICS, useValue: deps.metrics },
        { provide: PIPELINE_PROBES, useValue: deps.pipeline },
        { provide: CHECKPOINTS, useValue: deps.checkpoints },
        { provide: HEAVY_JOBS, useValue: new HeavyJobs(deps.limits.heavyJobs ?? DEFAULT_HEAVY_JOBS) },
        KafkaAdminService,
        PipelineHealth,
        {
          provide: AUTH_LIMITER,
          useValue: new AuthFailureLimiter(deps.limits.authFailures, deps.limits.windowMs),
        },
        // Guards run in this order: the request rate first, so a flood never reaches the key store.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_PIPE, useClass: ParametersPipe },
      ],
    };
  }
}
