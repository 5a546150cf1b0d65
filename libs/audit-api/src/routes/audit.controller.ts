import { BadRequestException, Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig, CLOCK, Clock, LEDGER_STORE } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import { AuditReport, HTML_REPORT_CSP, renderHtml, tenantAuditReport } from '@app/reports';
import { Access } from '../auth/access.decorator';
import { AuditQueryDto } from '../dto/audit-query.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';
import { HeavyJobs, INLINE_MAX_ENTRIES } from '../heavy/heavy-jobs';
import { HEAVY_JOBS } from '../tokens';
import { requireTenant } from './tenant-exists';

@ApiTags('tenants')
@ApiBearerAuth('api-key')
@TENANT_ERROR_RESPONSES
@Controller('v1/tenants/:tenantId')
export class AuditController {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HEAVY_JOBS) private readonly heavy: HeavyJobs,
  ) {}

  @Get('audit')
  @Access({ permission: 'read', tenants: 'path' })
  @ApiOperation({
    summary:
      'the compliance report (as `audit`): every obligation with trigger, due, deadline, issue, confirmation and verdict',
    description:
      'Derived from the ledger with the same fold the projector runs. With `asOf`, entries the ledger recorded after ' +
      'that time are ignored and verdicts are judged at it: what was known, promised and done then.',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ description: 'the report as JSON, or with `format=html` one self-contained HTML page' })
  async report(
    @Param() params: TenantParamDto,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditReport | string> {
    const now = this.clock();
    const asOf = query.asOf === undefined ? undefined : new Date(Date.parse(query.asOf.toUpperCase()));
    if (asOf !== undefined && asOf.getTime() > now.getTime()) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `invalid query parameter asOf: asOf must not be in the future (now is ${now.toISOString()})`,
        problems: [{ parameter: 'asOf', in: 'query', problems: ['asOf must not be in the future'] }],
      });
    }
    const head = await requireTenant(this.ledger, params.tenantId);
    const html = query.format === 'html';
    const maxAttempts = this.config.dispatchMaxAttempts;
    // A large tenant's fold (and page) is seconds of CPU: in a worker, bounded (HeavyJobs).
    const answer =
      head.position > INLINE_MAX_ENTRIES
        ? await this.heavy.run(
            {
              kind: 'audit',
              ledgerUrl: this.config.ledgerUrl,
              tenantId: params.tenantId,
              asOf: asOf?.toISOString(),
              now: now.toISOString(),
              maxAttempts,
              html,
            },
            res,
          )
        : await tenantAuditReport(this.ledger, params.tenantId, { asOf, now, maxAttempts }).then((r) =>
            html ? renderHtml(r, { generatedAt: now }) : r,
          );
    if (!html && typeof answer === 'string') {
      // Serialised by the worker: sent as it is.
      res.type('json');
      return answer;
    }
    if (!html) return answer;
    res.type('html');
    res.setHeader('Content-Security-Policy', HTML_REPORT_CSP);
    return answer;
  }
}
