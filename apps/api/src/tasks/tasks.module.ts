import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { TasksModule as TasksLibModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

/** The task REST endpoints. Uploads stream to STORAGE_DIR/uploads under generated names. */
@Module({
  imports: [
    TasksLibModule,
    MulterModule.registerAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({
        storage: diskStorage({
          destination: join(config.storageDir, 'uploads'),
          filename: (_request, _file, callback) => callback(null, randomUUID()),
        }),
        limits: { fileSize: config.maxUploadBytes, files: 1 },
      }),
    }),
  ],
  controllers: [TasksController],
  providers: [TasksService],
})
export class TasksApiModule {}
