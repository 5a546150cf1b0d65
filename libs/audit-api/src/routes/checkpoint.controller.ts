import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Checkpoint } from '@app/proof';
import { Access, Public } from '../auth/access.decorator';
import { CHECKPOINTS, type CheckpointSource } from '../tokens';
import { ERROR_RESPONSES } from './error-responses';

/** Where auditors fetch what they check bundles and checkpoints against (docs/proof.md). */
@ApiTags('proof')
@ERROR_RESPONSES
@Controller('v1/checkpoint')
export class CheckpointController {
  constructor(@Inject(CHECKPOINTS) private readonly checkpoints: CheckpointSource) {}

  @Get('public-key')
  @Public()
  @Header('content-type', 'application/x-pem-file')
  @ApiProduces('application/x-pem-file')
  @ApiOperation({ summary: 'the Ed25519 public key checkpoints and bundles are signed with (SPKI PEM)' })
  @ApiOkResponse({ description: 'PEM text (keyId = sha256 of its DER, as in every checkpoint)' })
  publicKey(): string {
    return this.checkpoints.publicKeyPem;
  }

  @Get('latest')
  @ApiBearerAuth('api-key')
  @Access({ permission: 'read', tenants: 'all' })
  @ApiOperation({
    summary: 'the latest signed checkpoint, with every stream head (docs/bundle-format.md §2.3)',
  })
  @ApiOkResponse({
    description: '`{formatVersion, treeSize, ledgerSize, rootHash, createdAt, keyId, signature, heads}`',
  })
  async latest(): Promise<Checkpoint> {
    const latest = await this.checkpoints.store.latest();
    if (latest === undefined) throw new NotFoundException('no checkpoint has been made yet');
    return latest;
  }
}
