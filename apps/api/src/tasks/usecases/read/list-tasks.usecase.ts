import { type TaskEntity, type TaskFilter, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { IsInt, IsObject, IsOptional, Min } from 'class-validator';
import type { Principal } from '../../../auth/principal';
import { BaseCommand } from '../base.command';
import { scopeOf } from './task-scope';

/** One page of tasks, filtered, for the key that asks. */
export class ListTasksCommand extends BaseCommand {
  @IsObject()
  filter: TaskFilter;

  @IsInt()
  @Min(1)
  limit: number;

  @IsInt()
  @Min(0)
  offset: number;

  @IsOptional()
  @IsObject()
  principal?: Principal;
}

/** Lists the tasks a key may see: its own; every task for an admin key or an open service. */
@Injectable()
export class ListTasks {
  constructor(private readonly tasks: TaskRepository) {}

  /** One page of the tasks the principal may see, newest first, and how many match in all. */
  execute({ filter, limit, offset, principal }: ListTasksCommand): Promise<{ items: TaskEntity[]; total: number }> {
    return this.tasks.list(filter, limit, offset, scopeOf(principal));
  }
}
