import { ConflictException, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_MODEL } from '@app/config';
import { ProjectorBusyError, type ReadModel } from '@app/read-model';
import { Access } from '../auth/access.decorator';
import type { PipelineProbes } from '../pipeline-probes';
import { PIPELINE_PROBES } from '../tokens';
import { ERROR_RESPONSES } from './error-responses';

@ApiTags('operations')
@ApiBearerAuth('api-key')
@ERROR_RESPONSES
@Controller('v1')
export class RebuildController {
  private running = false;

  constructor(
    @Inject(PIPELINE_PROBES) private readonly pipeline: PipelineProbes,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
  ) {}

  @Post('rebuild')
  @HttpCode(200)
  @Access({ permission: 'rebuild', tenants: 'all' })
  @ApiOperation({
    summary:
      'operators: replay the ledger into a new obligations read model and swap it in at once (as `rebuild`)',
    description:
      "Only where no projector runs in the same process (`run --only api`); takes the read model's projector " +
      'lock, as the `rebuild` command does, so it is refused while a projector elsewhere holds it. ' +
      'Answers when the replay is done.',
  })
  @ApiOkResponse({ description: '`{entries, seconds, obligations: {<status>: n}}`' })
  @ApiConflictResponse({
    description:
      'a projector runs in this process or holds the read model elsewhere, or a rebuild is already running',
  })
  async rebuild(): Promise<{ entries: number; seconds: number; obligations: Record<string, number> }> {
    const rebuild = this.pipeline.rebuild;
    if (this.pipeline.projectorInProcess || rebuild === undefined) {
      throw new ConflictException(
        'a projector runs in this process and would race the rebuild: rebuild from a process running only the api (run --only api)',
      );
    }
    if (this.running) throw new ConflictException('a rebuild is already running');
    this.running = true;
    try {
      const started = Date.now();
      const entries = await rebuild().catch((err: unknown) => {
        // Another process's projector or rebuild holds the read model's projector lock.
        if (err instanceof ProjectorBusyError) throw new ConflictException(err.message);
        throw err;
      });
      return {
        entries,
        seconds: (Date.now() - started) / 1000,
        obligations: await this.readModel.countsByStatus(),
      };
    } finally {
      this.running = false;
    }
  }
}
