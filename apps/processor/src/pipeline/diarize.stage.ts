import { type PcmRecorder, withDefaults } from '@app/asr-engine';
import { TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { SpeakerDiarizationService } from '../speaker-diarization.service';
import type { Stage, StageProgress, TaskRun } from './stage';

/**
 * Who spoke when, for tasks created with `diarize=true` (skipped otherwise): the samples are
 * recorded as the transcription decodes them (an audio tap), then diarized, and each word or
 * segment gets its speaker.
 */
@Injectable()
export class DiarizeStage implements Stage {
  readonly name = 'diarize';
  /** The recorder of each run this stage tapped. */
  private readonly recorders = new WeakMap<TaskRun, PcmRecorder>();

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly diarization: SpeakerDiarizationService,
  ) {}

  skips({ options }: TaskRun): boolean {
    return !options.diarize;
  }

  prepare(run: TaskRun): void {
    const recorder = this.diarization.recorder();
    this.recorders.set(run, recorder);
    run.audioTaps.push((audio) => this.diarization.recording(audio, recorder));
  }

  async run(run: TaskRun, progress: StageProgress): Promise<void> {
    const recorder = this.recorders.get(run)!;
    let reporting = Promise.resolve();
    run.transcript = await this.diarization.assign(run.transcript!, recorder, withDefaults(run.options), (fraction) => {
      const next = progress.at(fraction);
      reporting = reporting
        .then(async () => {
          if (next > progress.current) await this.taskRepository.saveProgress(run.taskId, next);
          await progress.report(next);
        })
        .catch(() => undefined);
    });
    await reporting;
  }
}
