import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/access.decorator';
import { PipelineHealth } from './pipeline-health';

/**
 * Three answers for three callers. A liveness probe that asked Kafka would restart every
 * pod during a broker outage, which cures nothing; readiness takes a pod out of service
 * while what it needs is away. `/health` stays the combined answer it always was.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pipeline: PipelineHealth,
  ) {}

  @Get('health/live')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process answers and its event loop is not stalled; no store or Kafka asked',
  })
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.pipeline.eventLoop()]);
  }

  @Get('health/ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: Kafka (and the ingest consumer in this process), ledger and read model; 503 when one is down',
  })
  ready(): Promise<HealthCheckResult> {
    return this.readiness();
  }

  @Get('health')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'The same answer as /health/ready (kept for existing probes and scripts)' })
  check(): Promise<HealthCheckResult> {
    return this.readiness();
  }

  private readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.pipeline.kafkaUp(),
      () => this.pipeline.ledgerUp(),
      () => this.pipeline.readModelUp(),
      () => this.pipeline.storesUp(),
    ]);
  }
}
