import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { LimitAwareStorage, UploadLimitInterceptor } from './upload-limit';

/**
 * Multipart uploads for every controller that takes a `file`: streamed to STORAGE_DIR/uploads
 * under generated names, never buffered in memory, limited to MAX_UPLOAD_BYTES (answered 413 as
 * soon as it is known, by the global `UploadLimitInterceptor`). A failed upload leaves no file.
 * File names are read as UTF-8 (busboy's default is Latin-1, which garbles `名前.wav`) and keep only
 * their base name (`../x.wav` → `x.wav`, busboy's doing); control and bidirectional-formatting
 * characters are removed (`LimitAwareStorage`). They are stored on the task, never used in a storage path.
 */
@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({
        storage: new LimitAwareStorage(
          diskStorage({
            destination: join(config.storageDir, 'uploads'),
            filename: (_request, _file, callback) => callback(null, randomUUID()),
          }),
        ),
        limits: { fileSize: config.maxUploadBytes, files: 1 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  providers: [{ provide: APP_INTERCEPTOR, useClass: UploadLimitInterceptor }],
  exports: [MulterModule],
})
export class UploadsModule {}
