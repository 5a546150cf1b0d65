import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import type { ApiMetrics } from '../metrics/api-metrics';
import { API_METRICS } from '../tokens';
import { Access } from '../auth/access.decorator';
import { KafkaAdminService } from '../kafka-admin.service';
import { ERROR_RESPONSES } from './error-responses';

export interface StatsAnswer {
  ledger: { entries: number; streams: number };
  obligations: Record<string, number>;
  overdue: number;
  /** Obligations still owed whose deadline is within the next 7 days. */
  dueWithin7Days: number;
  /** Failed obligations with no attempt left (DISPATCH_MAX_ATTEMPTS). */
  retriesExhausted: number;
  /** Records in the dead-letter topic; null when Kafka could not be asked. */
  deadLetters: number | null;
}

@ApiTags('ledger')
@ApiBearerAuth('api-key')
@ERROR_RESPONSES
@Controller('v1')
export class StatsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
    private readonly kafka: KafkaAdminService,
  ) {}

  @Get('stats')
  @Access({ permission: 'read', tenants: 'all' })
  @ApiOperation({
    summary:
      'counts across every tenant (as `stats --json`), plus overdue obligations and those due within 7 days',
  })
  @ApiOkResponse({
    description:
      '`{ledger: {entries, streams}, obligations: {<status>: n}, overdue, dueWithin7Days, retriesExhausted, deadLetters}`',
  })
  async stats(): Promise<StatsAnswer> {
    const deadLetterTopic = new TopicNames(this.config.topicPrefix, this.config.regions).deadLetter;
    // A fresh reading of the stores, through the same path as the gauges: the obligation
    // scans in the tally's worker (SQLite), the ledger counts from the stream heads; never
    // a scan on the event loop ingest shares.
    const [, deadLetters] = await Promise.all([
      this.metrics.stores.refresh(),
      this.kafka.recordCount(deadLetterTopic).catch(() => null),
    ]);
    const r = this.metrics.stores.current;
    return {
      ledger: r.ledger,
      obligations: r.obligations,
      overdue: r.overdue,
      dueWithin7Days: r.dueSoon,
      retriesExhausted: r.retriesExhausted,
      deadLetters,
    };
  }
}
