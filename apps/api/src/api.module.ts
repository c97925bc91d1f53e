import { HarkConfig, HarkConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { CallbacksModule, TasksModule } from '@app/tasks';
import { type DynamicModule, Logger, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminOffController } from './admin/admin-off.controller';
import { AdminModule } from './admin/admin.module';
import { AsrModule } from './asr/asr.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DependencyGuard } from './common/dependency.guard';
import { ErrorBodyFilter } from './common/error-body.filter';
import { RequestIdMiddleware } from './common/request-id.middleware';
import { EngineModule } from './engine/engine.module';
import { HealthModule } from './health/health.module';
import { LinksModule } from './links/links.module';
import { MediaApiModule } from './media/media-api.module';
import { OpenAiModule } from './openai/openai.module';
import { StorageModule } from './storage/storage.module';
import { TasksApiModule } from './tasks/tasks.module';

/** The REST API: one module per feature folder, the API-key guard and the error filter for every route. */
@Module({})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*path');
  }

  static forRoot(config: HarkConfig): DynamicModule {
    if (!config.admin)
      new Logger('Admin').log(
        'Bull Board admin UI is off: set ADMIN_USER and ADMIN_PASSWORD to enable it at /admin/queues.',
      );
    return {
      module: ApiModule,
      imports: [
        HarkConfigModule.forRoot(config),
        DatabaseModule,
        TasksModule.forRoot(config, 'api'),
        CallbacksModule.forRoot(config, 'api'),
        TasksApiModule,
        LinksModule,
        OpenAiModule,
        AsrModule,
        MediaApiModule,
        EngineModule,
        HealthModule,
        StorageModule,
        ...(config.admin ? [AdminModule] : []),
      ],
      // While the admin UI is off, /admin/queues says so (and how to turn it on) rather than a bare 404.
      controllers: config.admin ? [] : [AdminOffController],
      providers: [
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: DependencyGuard },
      ],
    };
  }
}
