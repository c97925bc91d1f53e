import { type DynamicModule, Global, Module } from '@nestjs/common';
import { HarkConfig } from './config';

/**
 * Provides the validated `HarkConfig` to every module. Each app's `main.ts` calls
 * `loadConfig()` first (so a bad variable stops the process before Nest starts) and passes
 * the result here.
 */
@Global()
@Module({})
export class HarkConfigModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return { module: HarkConfigModule, providers: [{ provide: HarkConfig, useValue: config }], exports: [HarkConfig] };
  }
}
