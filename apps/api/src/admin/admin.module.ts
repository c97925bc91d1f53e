import { HarkConfig } from '@app/config';
import { QUEUES } from '@app/tasks';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import basicAuth from 'express-basic-auth';
import { EngineModule } from '../engine/engine.module';
import { AdminQueues } from './admin-queues';

/** Route of the Bull Board admin UI. */
export const ADMIN_ROUTE = '/admin/queues';

/**
 * Bull Board over every queue of the project: the callbacks queue, and the transcription queue of
 * each model (`AdminQueues`, as models appear). It is mounted as Express middleware, which global
 * Nest guards do not cover, so HTTP basic auth (ADMIN_USER / ADMIN_PASSWORD) is applied as
 * middleware on the same route. Only imported when both are set.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({
        route: ADMIN_ROUTE,
        adapter: ExpressAdapter,
        boardOptions: { uiConfig: { boardTitle: 'Hark queues' } },
        middleware: basicAuth({
          users: { [config.admin!.user]: config.admin!.password },
          challenge: true,
          realm: 'Hark admin',
        }),
      }),
    }),
    BullBoardModule.forFeature({ name: QUEUES.callbacks, adapter: BullMQAdapter }),
    EngineModule,
  ],
  providers: [AdminQueues],
})
export class AdminModule {}
