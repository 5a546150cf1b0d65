import { Controller, Get, Inject, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_STORE } from '@app/config';
import { UnknownTenantError, type LedgerStore, type VerifyResult } from '@app/ledger';
import { verifyLedger } from '@app/proof';
import { Access } from '../auth/access.decorator';
import { VerifyQueryDto } from '../dto/verify-query.dto';
import { ERROR_RESPONSES } from './error-responses';

@ApiTags('ledger')
@ApiBearerAuth('api-key')
@ERROR_RESPONSES
@Controller('v1')
export class VerifyController {
  constructor(@Inject(LEDGER_STORE) private readonly ledger: LedgerStore) {}

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
      return await verifyLedger(this.ledger, { tenantId: query.tenant });
    } catch (err) {
      if (err instanceof UnknownTenantError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
