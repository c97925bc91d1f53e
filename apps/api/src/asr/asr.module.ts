import { Module } from '@nestjs/common';
import { TasksApiModule } from '../tasks/tasks.module';
import { UploadsModule } from '../uploads/uploads.module';
import { AsrController } from './asr.controller';

/** The classic ASR task interface (`/api/v1/asr/task`). */
@Module({
  imports: [TasksApiModule, UploadsModule],
  controllers: [AsrController],
})
export class AsrModule {}
