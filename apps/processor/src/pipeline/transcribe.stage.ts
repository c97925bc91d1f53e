import { HarkConfig } from '@app/config';
import { modelOf, TaskEvents, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { AsrEngines } from '../asr-engines';
import type { Stage, StageProgress, TaskRun } from './stage';

/**
 * The transcription, by the engine of the task's model (`AsrEngines`: loaded first if it is not,
 * and kept loaded while this runs), from `decode`'s audio, continuing from `run.resumeFrom` when
 * there is one. After every window a checkpoint (segments so far, audio position) is saved with
 * the progress, so a crash loses at most one window, and the window's segments go out as live
 * events.
 */
@Injectable()
export class TranscribeStage implements Stage {
  readonly name = 'transcribe';

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly engines: AsrEngines,
    private readonly config: HarkConfig,
    private readonly events: TaskEvents,
  ) {}

  async run(run: TaskRun, progress: StageProgress): Promise<void> {
    const { task, taskId, options, signal, resumeFrom, windows } = run;
    const transcribed = await this.engines.use(modelOf(task, this.config), async (engine) => ({
      engine: engine.info.name,
      transcript: await engine.transcribe(run.audio!, options, {
        signal,
        resumeFrom,
        onWindow: (report) => {
          windows.count++;
          windows.decodes += report.decodes;
        },
        onProgress: async (segments, secondsRead, checkpoint) => {
          const next = progress.at(task.duration ? secondsRead / task.duration : 0);
          // The checkpoint after every window (a crash loses at most one); the job's progress in Redis only when it moves.
          await this.taskRepository.saveCheckpoint(taskId, Math.max(progress.current, next), checkpoint);
          for (const segment of segments) await this.events.publish(taskId, { type: 'segment', segment });
          await progress.report(next);
        },
      }),
    }));
    run.engine = transcribed.engine;
    run.transcript = transcribed.transcript;
  }
}
