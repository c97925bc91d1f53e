import { Module } from '@nestjs/common';
import { TasksApiModule } from '../tasks/tasks.module';
import { UploadsModule } from '../uploads/uploads.module';
import { OpenAiController } from './openai.controller';
import { OpenAiTranscriptionStream } from './openai-stream';
import { OpenAiService } from './openai.service';

/** The OpenAI-compatible audio API (`/v1/audio/*`, `/v1/models`). */
@Module({
  imports: [TasksApiModule, UploadsModule],
  controllers: [OpenAiController],
  providers: [OpenAiService, OpenAiTranscriptionStream],
})
export class OpenAiModule {}
