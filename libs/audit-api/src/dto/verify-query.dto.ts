import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { TENANT_ID_MESSAGE, TENANT_ID_PATTERN } from './tenant-id';

export class VerifyQueryDto {
  @ApiPropertyOptional({
    description: "only this tenant's stream (required for a key scoped to one tenant)",
    pattern: TENANT_ID_PATTERN.source,
  })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: `tenant ${TENANT_ID_MESSAGE}` })
  tenant?: string;
}
