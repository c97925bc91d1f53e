import { SpokenLanguageIdentification } from 'sherpa-onnx-node';
import type { WhisperModelFiles } from './whisper-model-files';
import type { RecognizerSettings } from './whisper-recognizer';

/**
 * Spoken language identification with the Whisper encoder/decoder (sherpa-onnx
 * `SpokenLanguageIdentification`). Needs a multilingual model.
 */
export class LanguageIdentifier {
  private readonly identifier: SpokenLanguageIdentification;

  constructor(model: WhisperModelFiles, settings: RecognizerSettings) {
    this.identifier = new SpokenLanguageIdentification({
      whisper: { encoder: model.encoder, decoder: model.decoder },
      numThreads: settings.numThreads,
      provider: settings.provider,
      debug: 0,
    });
  }

  /**
   * Returns the language code Whisper finds most likely for the speech, e.g. `en`, `zh`.
   * Runs synchronously (one encoder pass and one decoder step on up to 30 s of audio).
   * @param samples Float32 mono at 16 kHz; only the first 30 s are used
   */
  detect(samples: Float32Array, sampleRate: number): string {
    const stream = this.identifier.createStream();
    stream.acceptWaveform({ samples, sampleRate });
    return this.identifier.compute(stream);
  }
}
