import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OBLIGATION_STATUSES, type ObligationStatus } from '@app/retention';

export class ObligationsQueryDto {
  @ApiPropertyOptional({ enum: OBLIGATION_STATUSES, description: 'only obligations in this status' })
  @IsOptional()
  @IsIn(OBLIGATION_STATUSES, { message: `status must be one of: ${OBLIGATION_STATUSES.join(', ')}` })
  status?: ObligationStatus;
}
