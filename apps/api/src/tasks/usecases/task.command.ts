import { IsObject, IsOptional, Matches } from 'class-validator';
import type { Principal } from '../../auth/principal';
import { BaseCommand } from './base.command';

/** A task id: a UUID as Postgres reads one (any version). */
export const TASK_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A command about one task: its id, and the API key that asks (which must be allowed to see it). */
export class TaskCommand extends BaseCommand {
  @Matches(TASK_ID_PATTERN, { message: 'id must be a UUID' })
  id: string;

  /** Undefined: the service has no keys. */
  @IsOptional()
  @IsObject()
  principal?: Principal;
}
