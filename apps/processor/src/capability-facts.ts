import { DEFAULT_DECODE_OPTIONS, type ModelCapabilities } from '@app/asr-engine';
import type { AnnouncedModel, DiarizationFacts } from '@app/tasks';

/**
 * A model's capabilities as this processor announces them in the registry (`AnnouncedModel`): its
 * family, languages, features, the decode options it applies and each one it refuses with why,
 * and whether speaker diarization can run here.
 * @param capabilities what the model's family states (`installedModelCapabilities`)
 * @param diarization whether this processor has both diarization models, and why not
 */
export function capabilityFacts(
  capabilities: ModelCapabilities,
  diarization: DiarizationFacts,
): Omit<AnnouncedModel, 'name' | 'loaded'> {
  const refused: Record<string, string> = { ...capabilities.refused };
  return {
    word_timestamps: capabilities.wordTimestamps,
    family: capabilities.family,
    languages: [...capabilities.languages],
    features: {
      translate: capabilities.translate,
      segment_timestamps: capabilities.segmentTimestamps,
      word_timestamps: capabilities.wordTimestamps,
    },
    decode_options: {
      supported: Object.keys(DEFAULT_DECODE_OPTIONS).filter((option) => !(option in refused)),
      refused,
    },
    diarization,
  };
}
