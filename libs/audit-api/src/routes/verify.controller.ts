import { Controller, Get, Inject, NotFoundException, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, CLOCK, Clock, LEDGER_STORE } from '@app/config';
import { streamHeadOf, UnknownTenantError, type LedgerStore, type VerifyResult } from '@app/ledger';
import { verifyLedger } from '@app/proof';
import { Access } from '../auth/access.decorator';
import { VerifyQueryDto } from '../dto/verify-query.dto';
import { ERROR_RESPONSES } from './error-responses';
import { API_METRICS, HEAVY_JOBS } from '../tokens';
import { HeavyJobs, INLINE_MAX_ENTRIES } from '../heavy/heavy-jobs';
import type { ApiMetrics } from '../metrics/api-metrics';

@ApiTags('ledger')
@ApiBearerAuth('api-key')
@ERROR_RESPONSES
@Controller('v1')
export class VerifyController {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HEAVY_JOBS) private readonly heavy: HeavyJobs,
  ) {}

  @Get('verify')
  @Access({ permission: 'read', tenants: 'query' })
  @ApiOperation({
    summary: "recompute the hash chains (as `verify`): every stream, or one tenant's and the policy stream",
  })
  @ApiOkResponse({
    description:
      '`{ok: true, entries, streams}`, or `{ok: false, tenantId, position, reason}` naming the first break',
  })
  async verify(
    @Query() query: VerifyQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VerifyResult> {
    try {
      const tenantId = query.tenant;
      // Every stream, or a long one: seconds of hashing, in a worker (HeavyJobs); a short
      // stream (or an unknown tenant, a 404) here, where a worker's start would cost more.
      const head = tenantId === undefined ? undefined : await streamHeadOf(this.ledger, tenantId);
      const small = tenantId !== undefined && (head === undefined || head.position <= INLINE_MAX_ENTRIES);
      const result = small
        ? await verifyLedger(this.ledger, { tenantId })
        : (JSON.parse(
            await this.heavy.run({ kind: 'verify', ledgerUrl: this.config.ledgerUrl, tenantId }, res),
          ) as VerifyResult);
      // A verify of every stream is as good as the periodic one: the gauge follows it.
      if (query.tenant === undefined) this.metrics.observeVerify(result.ok, this.clock());
      return result;
    } catch (err) {
      if (err instanceof UnknownTenantError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
