import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_STORE, SUBJECT_KEYS } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import {
  OperatorRefusal,
  subjectView,
  UnknownTenantError,
  type SubjectName,
  type SubjectView,
} from '@app/reports';
import type { SubjectKeyStore } from '@app/subject-keys';
import { Access } from '../auth/access.decorator';
import { SubjectLookupDto, SubjectParamDto } from '../dto/subject.dto';
import { TenantParamDto } from '../dto/tenant-param.dto';
import { TENANT_ERROR_RESPONSES } from './error-responses';

/** What the API shows of a subject: never its id, only whether its key still exists. */
export type PublicSubjectView = Omit<SubjectView, 'key'> & {
  key:
    { state: 'active'; createdAt: string } | { state: 'shredded'; shreddedAt: string } | { state: 'unknown' };
};

function withoutId(view: SubjectView): PublicSubjectView {
  const k = view.key;
  const key =
    k.state === 'active'
      ? { state: k.state, createdAt: k.createdAt }
      : k.state === 'shredded'
        ? { state: k.state, shreddedAt: k.shreddedAt }
        : { state: k.state };
  return { ...view, key };
}

/**
 * The data-subject view (`subjects show`): by pseudonym for every reader, by id for
 * operators (in the body). The answer names the subject by pseudonym only — the caller of
 * the lookup already has the id, and nobody else may learn it here.
 */
@ApiTags('subjects')
@ApiBearerAuth('api-key')
@TENANT_ERROR_RESPONSES
@Controller('v1/tenants/:tenantId/subjects')
export class SubjectsController {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(SUBJECT_KEYS) private readonly keys: SubjectKeyStore | undefined,
  ) {}

  @Get(':pseudonym')
  @Access({ permission: 'read', tenants: 'path' })
  @ApiOperation({
    summary: "a subject's data, obligations, holds, key state and SubjectShredded proof, by pseudonym",
  })
  @ApiOkResponse({ description: '`{tenantId, pseudonym, key, data, obligations, holdIds, shredded?}`' })
  byPseudonym(@Param() params: SubjectParamDto): Promise<PublicSubjectView> {
    return this.view(params.tenantId, { pseudonym: params.pseudonym });
  }

  @Post('lookup')
  @HttpCode(200)
  @Access({ permission: 'operate', tenants: 'path' })
  @ApiOperation({
    summary: 'operators: the same view, finding the subject by its id (in the body, never the URL)',
  })
  @ApiOkResponse({ description: '`{tenantId, pseudonym, key, data, obligations, holdIds, shredded?}`' })
  byId(@Param() params: TenantParamDto, @Body() body: SubjectLookupDto): Promise<PublicSubjectView> {
    return this.view(params.tenantId, { subjectId: body.subjectId });
  }

  private async view(tenantId: string, name: SubjectName): Promise<PublicSubjectView> {
    if (this.keys === undefined) throw new NotFoundException('this process has no subject key store');
    try {
      return withoutId(await subjectView(this.ledger, this.keys, tenantId, name));
    } catch (error) {
      if (error instanceof UnknownTenantError || error instanceof OperatorRefusal)
        throw new NotFoundException(error.message);
      throw error;
    }
  }
}
