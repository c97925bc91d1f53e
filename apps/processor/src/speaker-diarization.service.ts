import { assignSpeakers, type DecodeOptions, Diarizer, PcmRecorder, type Transcript } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/**
 * Who spoke when, for tasks created with `diarize=true`: the samples the transcription decodes
 * are recorded as they pass (16-bit, capped at DIARIZATION_MAX_SECONDS), so the file is decoded
 * once; after the transcription, sherpa-onnx's speaker diarization runs on them in a thread of
 * its own (`Diarizer`), and each word (or segment) gets the speaker it overlaps most. The diarization models are
 * loaded on first use and kept.
 */
@Injectable()
export class SpeakerDiarizationService implements OnModuleDestroy {
  private diarizer?: Promise<Diarizer>;

  constructor(private readonly config: HarkConfig) {}

  /** A recorder for one file (Float32 mono 16 kHz in, 16-bit kept). */
  recorder(): PcmRecorder {
    return new PcmRecorder(this.config.diarizationMaxSeconds);
  }

  /**
   * Passes a stream on unchanged while recording it.
   * @throws the recorder's error when the file is longer than DIARIZATION_MAX_SECONDS
   */
  async *recording(audio: AsyncIterable<Float32Array>, recorder: PcmRecorder): AsyncGenerator<Float32Array> {
    for await (const samples of audio) {
      recorder.append(samples);
      yield samples;
    }
  }

  /**
   * Diarizes the recorded audio and assigns the speakers to the transcript.
   * @param onProgress 0–1 as the diarization advances
   * @throws HarkError `model_not_found` (not retryable) when the diarization models are missing
   */
  async assign(
    transcript: Transcript,
    recorder: PcmRecorder,
    options: Pick<DecodeOptions, 'num_speakers' | 'diarization_threshold'>,
    onProgress?: (fraction: number) => void,
  ): Promise<Transcript> {
    const diarizer = await this.load();
    const turns = await diarizer.diarize(
      recorder, // handed over to the diarization thread: nothing is converted or copied here
      { numSpeakers: options.num_speakers, threshold: options.diarization_threshold },
      onProgress,
    );
    return assignSpeakers(transcript, turns);
  }

  async onModuleDestroy(): Promise<void> {
    await (await this.diarizer?.catch(() => undefined))?.close();
  }

  /** The diarizer, loaded on first use (and again after its thread stopped). */
  private async load(): Promise<Diarizer> {
    if ((await this.diarizer?.catch(() => undefined))?.usable === false) this.diarizer = undefined;
    this.diarizer ??= Promise.resolve().then(() =>
      Diarizer.load({
        segmentationModel: this.config.diarizationSegmentationModel,
        embeddingModel: this.config.diarizationEmbeddingModel,
        numThreads: this.config.asrThreads,
        provider: this.config.asrProvider,
      }),
    );
    return this.diarizer.catch((error: unknown) => {
      this.diarizer = undefined; // installed later: the next task tries again
      throw new HarkError('model_not_found', (error as Error).message, false);
    });
  }
}
