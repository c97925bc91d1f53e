import { HarkConfig, HarkConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { FeaturesModule } from './features.module';
import { HealthModule } from './health/health.module';
import { TasksApiModule } from './tasks/tasks.module';

@Module({})
export class ApiModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [HarkConfigModule.forRoot(config), DatabaseModule, TasksApiModule, FeaturesModule, HealthModule],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
