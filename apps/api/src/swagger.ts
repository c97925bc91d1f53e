import { HarkConfig } from '@app/config';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { requireApiKey } from './auth/docs-auth';

/** Where the docs are served: Swagger UI (and its assets below it), the OpenAPI document as JSON and as YAML. */
export const DOCS_ROUTES = { ui: 'docs', json: 'docs-json', yaml: 'docs-yaml' } as const;

/** Builds the OpenAPI document of the api. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hark')
    .setDescription('Self-hosted speech-to-text: upload audio or video, get a transcript with timed segments.')
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'API key',
      description:
        'An API key (API_KEYS or ADMIN_API_KEYS), needed on every route but the health probes when the server has keys.',
    })
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves Swagger UI at /docs, the OpenAPI document at /docs-json and /docs-yaml. These are Express
 * routes, outside Nest's guards: with API keys set and DOCS_PUBLIC false, a middleware in front
 * of them asks for a key like every other route.
 */
export function setupSwagger(app: INestApplication): void {
  const config = app.get(HarkConfig);
  if (config.apiKeys.length && !config.docsPublic)
    app.use(
      Object.values(DOCS_ROUTES).map((route) => `/${route}`),
      requireApiKey(config),
    );
  SwaggerModule.setup(DOCS_ROUTES.ui, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_ROUTES.json,
    yamlDocumentUrl: DOCS_ROUTES.yaml,
  });
}
