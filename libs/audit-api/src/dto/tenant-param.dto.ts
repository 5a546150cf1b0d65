import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TENANT_ID_MESSAGE, TENANT_ID_PATTERN } from './tenant-id';

export class TenantParamDto {
  @ApiProperty({ description: 'the tenant', pattern: TENANT_ID_PATTERN.source, example: 'acme' })
  @Matches(TENANT_ID_PATTERN, { message: `tenantId ${TENANT_ID_MESSAGE}` })
  tenantId!: string;
}
