import { HarkConfig, HarkConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { type DynamicModule, Logger, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { RequestIdMiddleware } from './common/request-id.middleware';
import { AdminModule } from './admin/admin.module';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { FeaturesModule } from './features.module';
import { HealthModule } from './health/health.module';
import { TasksApiModule } from './tasks/tasks.module';

@Module({})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*path');
  }

  static forRoot(config: HarkConfig): DynamicModule {
    if (!config.admin) new Logger('Admin').log('Bull Board admin UI is off: set ADMIN_USER and ADMIN_PASSWORD to enable it at /admin/queues.');
    return {
      module: ApiModule,
      imports: [HarkConfigModule.forRoot(config), DatabaseModule, TasksApiModule, FeaturesModule, HealthModule, ...(config.admin ? [AdminModule] : [])],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
