import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, CLOCK, Clock, LEDGER_STORE, READ_MODEL } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { retriesExhausted } from '@app/reports';
import { isOverdue, timeToDeadlineMs } from '@app/retention';
import type { Obligation } from '@app/retention';
import { Access } from '../auth/access.decorator';
import { ObligationsQueryDto } from '../dto/obligations-query.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';
import { requireTenant } from './tenant-exists';

export interface ObligationsAnswer {
  tenantId: string;
  /** "Now" for the `overdue` flags. */
  at: string;
  count: number;
  /** `timeToDeadlineMs`: milliseconds to the deadline (negative: overdue), while still owed. */
  obligations: Array<Obligation & { overdue: boolean; retriesExhausted: boolean; timeToDeadlineMs?: number }>;
}

@ApiTags('tenants')
@ApiBearerAuth('api-key')
@TENANT_ERROR_RESPONSES
@Controller('v1/tenants/:tenantId')
export class ObligationsController {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('obligations')
  @Access({ permission: 'read', tenants: 'path' })
  @ApiOperation({
    summary:
      "the tenant's purge obligations from the read model (as `obligations --json`), each with `overdue`",
  })
  @ApiOkResponse({ description: '`{tenantId, at, count, obligations}`, obligations by due time' })
  async list(
    @Param() params: TenantParamDto,
    @Query() query: ObligationsQueryDto,
  ): Promise<ObligationsAnswer> {
    await requireTenant(this.ledger, params.tenantId);
    const now = this.clock();
    const records = await this.readModel.obligations(params.tenantId);
    const obligations = records
      .filter((r) => query.status === undefined || r.status === query.status)
      // `detail` is the whole derived obligation, as the projector stored it.
      .map((r) => r.detail)
      .map((o) => {
        const left = timeToDeadlineMs(o, now);
        return {
          ...o,
          overdue: isOverdue(o, now),
          retriesExhausted: retriesExhausted(o, this.config.dispatchMaxAttempts),
          ...(left === undefined ? {} : { timeToDeadlineMs: left }),
        };
      });
    return { tenantId: params.tenantId, at: now.toISOString(), count: obligations.length, obligations };
  }
}
