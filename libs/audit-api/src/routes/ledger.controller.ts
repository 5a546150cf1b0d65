import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_STORE } from '@app/config';
import type { LedgerEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { Access } from '../auth/access.decorator';
import { DEFAULT_PAGE, LedgerPageQueryDto } from '../dto/ledger-page-query.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';
import { requireTenant } from './tenant-exists';

export interface LedgerPage {
  tenantId: string;
  from: number;
  limit: number;
  entries: LedgerEntry[];
  /** The `from` of the next page, or null on the last one. */
  next: number | null;
}

@ApiTags('tenants')
@ApiBearerAuth('api-key')
@TENANT_ERROR_RESPONSES
@Controller('v1/tenants/:tenantId')
export class LedgerController {
  constructor(@Inject(LEDGER_STORE) private readonly ledger: LedgerStore) {}

  @Get('ledger')
  @Access({ permission: 'read', tenants: 'path' })
  @ApiOperation({ summary: "one page of the tenant's ledger stream, in stream order (as `replay --tenant`)" })
  @ApiOkResponse({ description: '`{tenantId, from, limit, entries, next}`; `next` is null on the last page' })
  async page(@Param() params: TenantParamDto, @Query() query: LedgerPageQueryDto): Promise<LedgerPage> {
    const from = query.from ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE;
    const entries: LedgerEntry[] = [];
    // One entry more than the page tells whether there is a next page; the store reads no more.
    for await (const entry of this.ledger.readStream(params.tenantId, from, limit + 1)) entries.push(entry);
    if (entries.length === 0) await requireTenant(this.ledger, params.tenantId);
    const more = entries.length > limit;
    return {
      tenantId: params.tenantId,
      from,
      limit,
      entries: entries.slice(0, limit),
      next: more ? from + limit : null,
    };
  }
}
