import {
  Body,
  ConflictException,
  Controller,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, Clock, LEDGER_STORE, WORK_SIGNAL, WorkSignal } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import { OperatorOutcome, OperatorRefusal, runOperatorAction, UnknownTenantError } from '@app/reports';
import type { OperatorRequest } from '@app/retention';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/authenticated-request';
import { ExtendBodyDto, ObligationParamDto, ResolveBodyDto, RetryBodyDto } from '../dto/operator-action.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';

/**
 * Operators act on obligations: each action is a ledger fact with the API key's id as
 * actor and the body's reason (the CLI's `obligations retry|resolve|extend`). 409 when
 * the ledger's state refuses it (not failed, held, already closed, an earlier deadline).
 */
@ApiTags('operations')
@ApiBearerAuth('api-key')
@TENANT_ERROR_RESPONSES
@ApiConflictResponse({ description: "the obligation's state refuses the action; the message says why" })
@Controller('v1/tenants/:tenantId/obligations')
export class OperatorActionsController {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORK_SIGNAL) private readonly signal: WorkSignal,
  ) {}

  @Post('retry')
  @HttpCode(200)
  @Access({ permission: 'operate', tenants: 'path' })
  @ApiOperation({
    summary: 'operators: retry one failed obligation (obligationId) or every failed one (bulk)',
  })
  @ApiOkResponse({ description: '`{tenantId, action, actor, reason, obligationIds, eventIds}`' })
  retry(
    @Param() params: TenantParamDto,
    @Body() body: RetryBodyDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<OperatorOutcome> {
    const request: OperatorRequest = {
      kind: 'retry',
      obligationId: body.obligationId,
      region: body.region,
      store: body.store,
    };
    return this.act(params.tenantId, request, body.reason, req);
  }

  @Post(':obligationId/resolve')
  @HttpCode(200)
  @Access({ permission: 'operate', tenants: 'path' })
  @ApiOperation({ summary: 'operators: close an obligation as done-manually or waived (never shown as met)' })
  @ApiOkResponse({ description: '`{tenantId, action, actor, reason, obligationIds, eventIds}`' })
  resolve(
    @Param() params: ObligationParamDto,
    @Body() body: ResolveBodyDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<OperatorOutcome> {
    const request: OperatorRequest = {
      kind: 'resolve',
      obligationId: params.obligationId,
      resolution: body.status,
    };
    return this.act(params.tenantId, request, body.reason, req);
  }

  @Post(':obligationId/extend')
  @HttpCode(200)
  @Access({ permission: 'operate', tenants: 'path' })
  @ApiOperation({ summary: "operators: move an obligation's deadline later (the original stays beside it)" })
  @ApiOkResponse({ description: '`{tenantId, action, actor, reason, obligationIds, eventIds}`' })
  extend(
    @Param() params: ObligationParamDto,
    @Body() body: ExtendBodyDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<OperatorOutcome> {
    const request: OperatorRequest = { kind: 'extend', obligationId: params.obligationId, until: body.until };
    return this.act(params.tenantId, request, body.reason, req);
  }

  private async act(
    tenantId: string,
    request: OperatorRequest,
    reason: string,
    req: AuthenticatedRequest,
  ): Promise<OperatorOutcome> {
    // The guard authenticated the request, so the key is there; its id (never the secret) is the actor.
    const actor = req.apiKey?.id ?? 'unknown';
    try {
      const outcome = await runOperatorAction(
        this.ledger,
        tenantId,
        request,
        { actor, reason },
        this.clock(),
      );
      if (outcome.eventIds.length > 0) this.signal.emit('ledger');
      return outcome;
    } catch (error) {
      if (error instanceof UnknownTenantError) throw new NotFoundException(error.message);
      if (error instanceof OperatorRefusal) throw new ConflictException(error.message);
      throw error;
    }
  }
}
