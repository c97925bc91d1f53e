import { MediaModule } from '@app/media';
import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { DetectLanguageController } from './detect-language.controller';
import { MediaController } from './media.controller';

/** Media tools without a task: language detection and audio extraction. */
@Module({
  imports: [UploadsModule, MediaModule],
  controllers: [DetectLanguageController, MediaController],
})
export class MediaApiModule {}
