import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/access.decorator';
import { PipelineHealth } from './pipeline-health';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pipeline: PipelineHealth,
  ) {}

  @Get('health')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Kafka (and the ingest consumer in this process), ledger, read model and their recent faults; 503 when one is down',
  })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.pipeline.kafkaUp(),
      () => this.pipeline.ledgerUp(),
      () => this.pipeline.readModelUp(),
      () => this.pipeline.storesUp(),
    ]);
  }
}
