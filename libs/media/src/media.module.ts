import { Module } from '@nestjs/common';
import { FfmpegMediaTools, MediaTools } from './media-tools';

/** Provides `MediaTools` (ffprobe / ffmpeg). */
@Module({ providers: [{ provide: MediaTools, useClass: FfmpegMediaTools }], exports: [MediaTools] })
export class MediaModule {}
