import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';

/**
 * Multipart uploads for every controller that takes a `file`: streamed to STORAGE_DIR/uploads
 * under generated names, never buffered in memory, limited to MAX_UPLOAD_BYTES.
 */
@Module({
  imports: [
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
  exports: [MulterModule],
})
export class UploadsModule {}
