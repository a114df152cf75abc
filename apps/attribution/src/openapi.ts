import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ReportsModule } from './reports/reports.module';
import { TimelineModule } from './timeline/timeline.module';

/**
 * The reports API's OpenAPI 3.1 document, generated from the controllers' decorators. CI compares it
 * with the committed copy, apps/attribution/openapi.json (apps/attribution/test/recovery-report.int-spec.ts;
 * `UPDATE_OPENAPI=1` rewrites it), so the API cannot drift from its document unnoticed.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Reclaim reports API')
    .setDescription(
      'Recovery attribution against the hold-out group, per store: counts, lift with an always-valid interval, revenue, cost and return, breakdowns, and the timeline of one cart. ' +
        "Authenticate with `Authorization: Bearer <key>`: the store's ingestion key or its read-only reports key. Every answer covers only the key's store.",
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: "The store's ingestion key or read-only reports key",
    })
    .build();
  // The public API only: not the dashboard's pages, health or metrics.
  return SwaggerModule.createDocument(app, config, { include: [ReportsModule, TimelineModule] });
}

/** Serves the document at /docs/openapi.json and a browsable page at /docs. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
