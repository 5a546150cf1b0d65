import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorator';
import { API_METRICS } from '../tokens';
import type { ApiMetrics } from './api-metrics';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(@Inject(API_METRICS) private readonly metrics: ApiMetrics) {}

  @Get('metrics')
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics (text format); no tenant data in them' })
  @ApiProduces('text/plain')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.metrics();
  }
}
