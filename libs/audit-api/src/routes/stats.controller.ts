import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, CLOCK, Clock, LEDGER_STORE, READ_MODEL } from '@app/config';
import { TopicNames } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
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
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
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
    const now = this.clock();
    const [ledger, obligations, overdue, dueWithin7Days, retriesExhausted, deadLetters] = await Promise.all([
      this.ledger.counts(),
      this.readModel.countsByStatus(),
      this.readModel.overdueCount(now),
      this.readModel.dueSoonCount(now, 7 * 86_400_000),
      this.readModel.countRetriesExhausted(this.config.dispatchMaxAttempts),
      this.kafka.recordCount(deadLetterTopic).catch(() => null),
    ]);
    return { ledger, obligations, overdue, dueWithin7Days, retriesExhausted, deadLetters };
  }
}
