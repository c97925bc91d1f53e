import type { ShareLink } from '@app/crawlers';
import { IsObject, IsOptional } from 'class-validator';
import type { Principal } from '../../../auth/principal';
import type { TaskOptionsDto } from '../../dto/create-task.dto';
import { BaseCommand } from '../base.command';

/** The media of a new task: an upload the api stored, a URL the processor will download, or a share link it will resolve. */
export type TaskMedia = { file: Express.Multer.File } | { url: string } | { link: ShareLink };

/** An `Idempotency-Key` of a creating request, and what else identifies the request besides the task's fields. */
export interface Idempotency {
  key: string;
  /** Request fields that are not the task's (e.g. OpenAI's `model` and `response_format`). */
  extra?: Record<string, unknown>;
}

/** Create a task: its media, its options (validated by the request's DTO), its owner and, optionally, an idempotency key. */
export class CreateTaskCommand extends BaseCommand {
  @IsObject()
  media: TaskMedia;

  /** Model, priority, callback and decode options, as the route's validation pipe accepted them. */
  @IsObject()
  options: TaskOptionsDto;

  /** The key that creates the task, and owns it (undefined: the service has no keys). */
  @IsOptional()
  @IsObject()
  principal?: Principal;

  /** Undefined: a plain creation, not safe to repeat. */
  @IsOptional()
  @IsObject()
  idempotency?: Idempotency;
}
