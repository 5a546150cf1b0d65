import { Controller, Get, Inject, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, Clock, LEDGER_STORE } from '@app/config';
import { UnknownTenantError, type LedgerStore, type VerifyResult } from '@app/ledger';
import { verifyLedger } from '@app/proof';
import { Access } from '../auth/access.decorator';
import { VerifyQueryDto } from '../dto/verify-query.dto';
import { ERROR_RESPONSES } from './error-responses';
import { API_METRICS } from '../tokens';
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
  async verify(@Query() query: VerifyQueryDto): Promise<VerifyResult> {
    try {
      const result = await verifyLedger(this.ledger, { tenantId: query.tenant });
      // A verify of every stream is as good as the periodic one: the gauge follows it.
      if (query.tenant === undefined) this.metrics.observeVerify(result.ok, this.clock());
      return result;
    } catch (err) {
      if (err instanceof UnknownTenantError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
