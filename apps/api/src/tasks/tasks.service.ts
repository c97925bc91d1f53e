import { randomUUID } from 'node:crypto';
import { MediaError, probeMedia } from '@app/media';
import { TaskQueue, TaskRepository, type TaskEntity } from '@app/tasks';
import { Injectable, Logger, NotFoundException, UnprocessableEntityException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { CreateTaskDto } from './dto/create-task.dto';

/** How long an API request waits for Redis before leaving the enqueue to the reconciler. */
const ENQUEUE_WAIT_MS = 2000;

/** Accepts media as tasks and reads them back. */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly queue: TaskQueue,
  ) {}

  /**
   * Checks an uploaded file with ffprobe, stores the task and enqueues it.
   * @throws UnprocessableEntityException (422) for an empty file or one without audio;
   *   UnsupportedMediaTypeException (415) for a file ffprobe cannot read
   */
  async createFromUpload(file: Express.Multer.File, options: CreateTaskDto): Promise<TaskEntity> {
    const info = await probeMedia(file.path).catch((error: unknown) => {
      if (!(error instanceof MediaError)) throw error;
      if (error.code === 'unreadable') throw new UnsupportedMediaTypeException(`${error.message}. Upload an audio or video file that ffmpeg can read (wav, mp3, m4a, flac, ogg, opus, mp4, mkv, webm, …).`);
      throw new UnprocessableEntityException(`${error.message} Upload a file that contains audio.`);
    });
    const task = await this.tasks.create({
      id: randomUUID(),
      task: options.task ?? 'transcribe',
      language: options.language ?? null,
      priority: options.priority ?? 'normal',
      source: 'upload',
      fileName: file.originalname,
      fileSizeBytes: file.size,
      mediaPath: file.path,
      duration: info.duration,
    });
    await this.enqueue(task);
    return task;
  }

  /** @throws NotFoundException (404) when no task has this id */
  async get(id: string): Promise<TaskEntity> {
    const task = await this.tasks.findById(id);
    if (!task) throw new NotFoundException(`No task with id ${id}. Check the id returned by POST /api/v1/tasks.`);
    return task;
  }

  /**
   * The task is already safe in Postgres; Redis only carries it. If Redis is slow or down the
   * request does not wait: the processors' reconciler enqueues every task that has no job.
   */
  private async enqueue(task: TaskEntity): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ENQUEUE_WAIT_MS} ms`)), ENQUEUE_WAIT_MS);
    });
    try {
      await Promise.race([this.queue.enqueue(task), timeout]);
    } catch (error) {
      this.logger.warn(`Task ${task.id} stored but not yet enqueued (${error instanceof Error ? error.message : error}); the reconciler will enqueue it`);
    } finally {
      clearTimeout(timer);
    }
  }
}
