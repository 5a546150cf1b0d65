import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Retention ledger: auditor and operator API')
    .setDescription(
      'Read the ledger, the derived purge obligations and the compliance report (also as of a past time), ' +
        'verify the hash chains. Every /v1 route needs `Authorization: Bearer <key>` (`retention-ledger keys create`): ' +
        'role `auditor` reads, role `operator` reads and rebuilds; a key scoped to one tenant sees only that tenant.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'rlk_…',
        description: 'an API key (retention-ledger keys create)',
      },
      'api-key',
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** The document at /openapi.json and Swagger UI at /docs (its assets are served from here, not a CDN). */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'Retention ledger API',
  });
}
