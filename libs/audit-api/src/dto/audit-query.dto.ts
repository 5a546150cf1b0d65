import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsRfc3339Instant } from './rfc3339.decorator';

export const AUDIT_FORMATS = ['json', 'html'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export class AuditQueryDto {
  @ApiPropertyOptional({
    description:
      'report as the ledger stood at this time (RFC 3339 with offset); entries recorded later are ignored',
    format: 'date-time',
    example: '2026-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsRfc3339Instant()
  asOf?: string;

  @ApiPropertyOptional({ enum: AUDIT_FORMATS, default: 'json', description: 'html: one self-contained page' })
  @IsOptional()
  @IsIn(AUDIT_FORMATS, { message: `format must be one of: ${AUDIT_FORMATS.join(', ')}` })
  format?: AuditFormat;
}
