import { Module } from '@nestjs/common';
import { StorageJanitor } from './storage-janitor.service';

/**
 * STORAGE_DIR housekeeping on every api node: `StorageJanitor` removes orphan uploads and, by
 * retention, the media of finished tasks and old tasks. Needs the global `TasksModule`.
 */
@Module({
  providers: [StorageJanitor],
  exports: [StorageJanitor],
})
export class StorageModule {}
