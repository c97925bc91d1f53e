import { renameSpeakers, SpeakerRenameError } from '@app/asr-engine';
import { type FieldProblems, HarkError } from '@app/errors';
import { type TaskEntity, type TaskResult, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { RenameSpeakersCommand } from './rename-speakers.command';

const EXAMPLE = '{"SPEAKER_00": "Alice", "SPEAKER_01": "Bob"}';

/**
 * Renames the speakers of a completed, diarized task (`renameSpeakers` of the engine): each label
 * (`SPEAKER_00`, or a name given earlier) becomes its new name in the segments, words and
 * `speakers` of the stored transcript; labels left out keep theirs, and all change at once (two
 * may be swapped). The callback, already sent, is not sent again.
 */
@Injectable()
export class RenameSpeakers {
  constructor(
    private readonly getTask: GetTask,
    private readonly tasks: TaskRepository,
  ) {}

  /**
   * @returns the task with the renamed transcript
   * @throws HarkError `invalid_request` (400) for a body that is not an object of names, a task
   *   without speakers (not diarized), or names that cannot be given (details per label: unknown
   *   label, empty, too long, not one line, one name for two speakers, a name another speaker
   *   keeps); `task_not_found` (404) as `GetTask`; `task_state_conflict` (409) while the task is not
   *   completed; `task_busy` (409) when another rename changed it meanwhile
   */
  async execute(command: RenameSpeakersCommand): Promise<TaskEntity> {
    const { id, names } = command;
    if (typeof names !== 'object' || names === null || Array.isArray(names)) {
      throw new HarkError(
        'invalid_request',
        `The body must be a JSON object from speaker label to new name, e.g. ${EXAMPLE}, sent with Content-Type: application/json.`,
        false,
        { details: [{ field: 'body', problems: ['must be a JSON object of speaker label → new name'] }] },
      );
    }
    const task = await this.getTask.execute(command);
    const result = completedResult(task);
    const labels = result.speakers?.map((speaker) => speaker.speaker);
    if (!labels) {
      const why = task.decodeOptions?.diarize
        ? 'diarization found no speech in it, so there are no speakers to rename'
        : 'it was created without diarize=true. Create a new task with diarize=true (GET /api/v1/engine → diarization.available says whether this server can) to get speakers';
      throw new HarkError('invalid_request', `Task ${id} has no speakers: ${why}.`, false, {
        details: [{ field: 'diarize', problems: [`task ${id} has no speakers`] }],
      });
    }
    if (!Object.keys(names).length) {
      throw new HarkError(
        'invalid_request',
        `The body names no speakers: send the new names by label, e.g. ${EXAMPLE}. The speakers of task ${id} are ${labels.join(', ')}.`,
        false,
        { details: [{ field: 'body', problems: ['names no speaker'] }] },
      );
    }
    const renamed = renamedResult(result, names as Record<string, string>, labels);
    const saved = await this.tasks.saveResult(id, renamed, result);
    if (saved) return saved;
    // Gone, no longer completed (deleted, or retried), or renamed by another request meanwhile.
    completedResult(await this.getTask.execute(command));
    throw new HarkError(
      'task_busy',
      `The speakers of task ${id} were changed by another request meanwhile; fetch the task (GET /api/v1/tasks/${id}) and send the names again.`,
      true,
    );
  }
}

/**
 * The transcript with the new names.
 * @throws HarkError `invalid_request` (400) with each label's problems when a name cannot be given
 */
function renamedResult(result: TaskResult, names: Record<string, string>, labels: string[]): TaskResult {
  try {
    return renameSpeakers(result, names);
  } catch (error) {
    if (!(error instanceof SpeakerRenameError)) throw error;
    const byLabel = new Map<string, string[]>();
    for (const { field, problem } of error.problems) byLabel.set(field, [...(byLabel.get(field) ?? []), problem]);
    const details: FieldProblems[] = [...byLabel].map(([field, problems]) => ({ field, problems }));
    throw new HarkError(
      'invalid_request',
      `The speakers cannot be renamed: ${error.message}. Send {"<label>": "<new name>"} for labels of this task (${labels.join(', ')}), each with a different non-empty one-line name.`,
      false,
      { details },
    );
  }
}

/**
 * The transcript of a completed task.
 * @throws HarkError `task_state_conflict` (409) for any other status: wait for an unfinished task,
 *   retry a failed or cancelled one
 */
function completedResult(task: TaskEntity): TaskResult {
  if (task.status === 'completed' && task.result) return task.result;
  const advice =
    task.status === 'queued' || task.status === 'processing'
      ? `wait until it is completed (GET /api/v1/tasks/${task.id} shows its status and progress), then send the names again`
      : `it has no transcript; retry it (POST /api/v1/tasks/${task.id}/retry), wait until it is completed, then send the names again`;
  throw new HarkError(
    'task_state_conflict',
    `Task ${task.id} is ${task.status}; speakers can be renamed once it is completed: ${advice}.`,
  );
}
