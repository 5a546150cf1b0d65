import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { PSEUDONYM_PATTERN } from '@app/contracts/subject-pseudonym';
import { TenantParamDto } from './tenant-param.dto';

export class SubjectParamDto extends TenantParamDto {
  @ApiProperty({ description: "the subject's pseudonym", pattern: PSEUDONYM_PATTERN.source })
  @Matches(PSEUDONYM_PATTERN, { message: 'pseudonym must be sp_ followed by 26 base32 characters' })
  pseudonym!: string;
}

/** The id goes in the body, never the URL: URLs end up in access logs and proxies. */
export class SubjectLookupDto {
  @ApiProperty({
    description: "the subject's id (looked up in the key store, never created)",
    maxLength: 512,
  })
  @IsString({ message: 'subjectId must be a string' })
  @IsNotEmpty({ message: 'subjectId is required' })
  @MaxLength(512, { message: 'subjectId must be at most 512 characters' })
  subjectId!: string;
}
