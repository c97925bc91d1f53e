import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { TaskRepository } from '@app/tasks';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';

/** The folders under STORAGE_DIR that hold media: the api's uploads and the processors' downloads. */
export const MEDIA_FOLDERS = ['uploads', 'downloads'] as const;

/** Rows taken per statement, and names looked up per query. */
const BATCH = 500;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What one sweep removed. */
export interface SweepReport {
  orphanFiles: number;
  orphanBytes: number;
  /** Tasks whose media retention removed (MEDIA_RETENTION_HOURS). */
  expiredMedia: number;
  /** Tasks deleted by retention (TASK_RETENTION_DAYS). */
  expiredTasks: number;
}

/**
 * Keeps STORAGE_DIR from growing without bound. At api start and every STORAGE_SWEEP_INTERVAL_MS:
 *
 * 1. **Orphans**: removes files of STORAGE_DIR/uploads and /downloads that no task's `media_path`
 *    names and that were not modified for ORPHAN_UPLOAD_GRACE_MS: partial uploads of a killed api,
 *    uploads a client aborted, downloads of a processor that died. A file still being written by
 *    any node changes all the time, and every use of a file without a task is shorter than the
 *    grace (a request ends after Node's 300 s `requestTimeout`; detect-language waits at most
 *    120 s), so only abandoned files qualify.
 * 2. **Media retention** (MEDIA_RETENTION_HOURS > 0): removes the media of finished tasks older than
 *    that, setting `media_removed_at`; the task and its result stay.
 * 3. **Task retention** (TASK_RETENTION_DAYS > 0): deletes finished tasks older than that, with their media.
 *
 * Safe on every api node at once: the database statements take each row once (`SKIP LOCKED`),
 * the row is changed before its file is removed, and removing a file twice is harmless.
 */
@Injectable()
export class StorageJanitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StorageJanitor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport | undefined>;

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly config: HarkConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.storageSweepIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running; // the database is closed after this hook
  }

  /** One sweep, unless the previous one is still running; failures are logged, never thrown. */
  private tick(): Promise<SweepReport | undefined> {
    this.running ??= this.sweep()
      .catch((error: unknown) => {
        this.logger.warn(`Storage sweep failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs the three steps once and logs what was removed (nothing is logged when nothing was). */
  async sweep(): Promise<SweepReport> {
    const expiredTasks = await this.expireTasks();
    const expiredMedia = await this.expireMedia();
    const orphans = await this.removeOrphans();
    const report = { orphanFiles: orphans.files, orphanBytes: orphans.bytes, expiredMedia, expiredTasks };
    if (report.orphanFiles || report.expiredMedia || report.expiredTasks) {
      this.logger.log({
        message: `Storage sweep removed ${report.orphanFiles} orphan file(s) (${report.orphanBytes} bytes), the media of ${report.expiredMedia} finished task(s) (MEDIA_RETENTION_HOURS=${this.config.mediaRetentionHours}) and ${report.expiredTasks} finished task(s) (TASK_RETENTION_DAYS=${this.config.taskRetentionDays})`,
        orphan_files: report.orphanFiles,
        orphan_bytes: report.orphanBytes,
        expired_media: report.expiredMedia,
        expired_tasks: report.expiredTasks,
      });
    }
    return report;
  }

  /** Deletes finished tasks older than TASK_RETENTION_DAYS, then their media. Returns how many. */
  private expireTasks(): Promise<number> {
    if (!this.config.taskRetentionDays) return Promise.resolve(0);
    const before = new Date(Date.now() - this.config.taskRetentionDays * DAY_MS);
    return this.inBatches(() => this.taskRepository.deleteExpired(before, BATCH));
  }

  /** Removes the media of finished tasks older than MEDIA_RETENTION_HOURS. Returns how many. */
  private expireMedia(): Promise<number> {
    if (!this.config.mediaRetentionHours) return Promise.resolve(0);
    const before = new Date(Date.now() - this.config.mediaRetentionHours * HOUR_MS);
    return this.inBatches(() => this.taskRepository.releaseExpiredMedia(before, BATCH));
  }

  /**
   * Runs `take` (which releases up to BATCH rows and returns their media paths) until a batch comes
   * back short, removing each batch's files once its rows are released. Returns how many rows.
   */
  private async inBatches(take: () => Promise<{ mediaPath: string | null }[]>): Promise<number> {
    for (let count = 0; ; ) {
      const released = await take();
      await Promise.all(released.map((task) => this.removeFile(task.mediaPath)));
      count += released.length;
      if (released.length < BATCH) return count;
    }
  }

  /** Removes the unreferenced files of the media folders not modified for ORPHAN_UPLOAD_GRACE_MS. */
  private async removeOrphans(): Promise<{ files: number; bytes: number }> {
    const staleBefore = Date.now() - this.config.orphanUploadGraceMs;
    const stale: { name: string; path: string; bytes: number }[] = [];
    for (const folder of MEDIA_FOLDERS) {
      const dir = join(this.config.storageDir, folder);
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const name of names) {
        const path = join(dir, name);
        const stats = await lstat(path).catch(() => null); // gone meanwhile
        if (stats?.isFile() && stats.mtimeMs < staleBefore) stale.push({ name, path, bytes: stats.size });
      }
    }
    let files = 0;
    let bytes = 0;
    for (let start = 0; start < stale.length; start += BATCH) {
      const batch = stale.slice(start, start + BATCH);
      const referenced = await this.taskRepository.referencedMediaNames(batch.map((file) => file.name));
      for (const file of batch.filter((candidate) => !referenced.has(candidate.name))) {
        if (!(await this.removeFile(file.path))) continue;
        files++;
        bytes += file.bytes;
        this.logger.log(`Removed orphan file ${file.path} (${file.bytes} bytes, not modified for ${this.graceText()})`);
      }
    }
    return { files, bytes };
  }

  /** Removes a file; a missing one counts as removed. Returns false (and logs) when it could not be. */
  private async removeFile(path: string | null): Promise<boolean> {
    if (!path) return true;
    try {
      await rm(path, { force: true });
      return true;
    } catch (error) {
      this.logger.warn(`Could not remove ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private graceText(): string {
    return `${Math.round(this.config.orphanUploadGraceMs / 60_000)} min, ORPHAN_UPLOAD_GRACE_MS`;
  }
}
