import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, CLOCK, Clock, LEDGER_STORE, READ_MODEL } from '@app/config';
import type { Response } from 'express';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { Access } from '../auth/access.decorator';
import { ObligationsQueryDto } from '../dto/obligations-query.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';
import { obligationsAnswerJson } from './obligations-answer';
import { requireTenant } from './tenant-exists';

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
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    await requireTenant(this.ledger, params.tenantId);
    const now = this.clock();
    // `detail` is the whole derived obligation, as the projector stored it.
    const stored = (await this.readModel.storedObligations(params.tenantId)).filter(
      (o) => query.status === undefined || o.status === query.status,
    );
    res.type('json');
    return obligationsAnswerJson(params.tenantId, now, stored, this.config.dispatchMaxAttempts);
  }
}
