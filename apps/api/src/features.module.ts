import { TasksModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { AsrController } from './asr/asr.controller';
import { EngineController } from './engine/engine.controller';
import { LinksModule } from './links/links.module';
import { DetectLanguageController } from './media/detect-language.controller';
import { MediaController } from './media/media.controller';
import { OpenAiController } from './openai/openai.controller';
import { OpenAiService } from './openai/openai.service';
import { TasksApiModule } from './tasks/tasks.module';
import { UploadsModule } from './uploads/uploads.module';

/** The endpoints beside the task API: share links, engine discovery, media tools, the classic ASR and OpenAI-compatible interfaces. */
@Module({
  imports: [TasksModule, TasksApiModule, UploadsModule, LinksModule],
  controllers: [EngineController, DetectLanguageController, MediaController, AsrController, OpenAiController],
  providers: [OpenAiService],
})
export class FeaturesModule {}
