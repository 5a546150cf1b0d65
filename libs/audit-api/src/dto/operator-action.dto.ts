import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RESOLUTIONS, type Resolution } from '@app/contracts';
import { IsRfc3339Instant } from './rfc3339.decorator';

/** Every operator action says why; the actor is the API key's id. */
export class OperatorReasonDto {
  @ApiProperty({ description: 'why (recorded in the ledger with the key id as actor)', maxLength: 4096 })
  @IsString({ message: 'reason must be a string' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(4096, { message: 'reason must be at most 4096 characters' })
  reason!: string;
}

export class RetryBodyDto extends OperatorReasonDto {
  @ApiPropertyOptional({
    description: 'one obligation; absent: every failed obligation (of the region/store given)',
  })
  @IsOptional()
  @IsString({ message: 'obligationId must be a string' })
  obligationId?: string;

  @ApiPropertyOptional({ description: 'bulk: only this region' })
  @IsOptional()
  @IsString({ message: 'region must be a string' })
  region?: string;

  @ApiPropertyOptional({ description: 'bulk: only this store' })
  @IsOptional()
  @IsString({ message: 'store must be a string' })
  store?: string;
}

export class ResolveBodyDto extends OperatorReasonDto {
  @ApiProperty({ enum: RESOLUTIONS, description: 'done-manually or waived' })
  @IsIn(RESOLUTIONS, { message: `status must be one of: ${RESOLUTIONS.join(', ')}` })
  status!: Resolution;
}

export class ExtendBodyDto extends OperatorReasonDto {
  @ApiProperty({ description: 'the new deadline (RFC 3339 with offset), after the current one' })
  @IsRfc3339Instant({ message: 'until must be an RFC 3339 time with an offset' })
  until!: string;
}

export class ObligationParamDto {
  @ApiProperty({ description: 'the tenant', example: 'acme' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'tenantId must match [A-Za-z0-9._-]{1,64}' })
  tenantId!: string;

  @ApiProperty({ description: 'the obligation' })
  @IsString()
  @IsNotEmpty()
  obligationId!: string;
}
