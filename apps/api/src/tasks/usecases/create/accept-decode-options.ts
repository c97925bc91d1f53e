import {
  DEFAULT_DECODE_OPTIONS,
  type DecodeOptions,
  type ModelCapabilities,
  parseClipTimestamps,
  refusedOptions,
  withDefaults,
} from '@app/asr-engine';
import type { HarkConfig } from '@app/config';
import { type FieldProblems, HarkError } from '@app/errors';
import { deploymentReason } from '../../../engine/capabilities';
import type { DecodeOptionFields } from '../../dto/decode-options.dto';

/** The names of every decode option, in the order of the defaults. */
const OPTION_NAMES = Object.keys(DEFAULT_DECODE_OPTIONS) as (keyof DecodeOptions)[];

/**
 * The decode options a request gave (undefined: left out), without its other fields (the DTO
 * also carries file_url, priority, callback fields). `DecodeOptionsDto` is tied to `DecodeOptions`
 * at compile time (see `DecodeOptionFields`), so no option can be dropped here unnoticed.
 */
export function givenDecodeOptions(options: DecodeOptionFields): Partial<DecodeOptions> {
  const given: Partial<DecodeOptions> = {};
  const copy = <K extends keyof DecodeOptions>(option: K) => {
    given[option] = options[option];
  };
  OPTION_NAMES.forEach(copy);
  return given;
}

/**
 * Fills in the defaults and refuses what the engine cannot do with the task's model.
 * @param capabilities what the task's model can give besides text (`ServedModels.resolve`)
 * @throws HarkError `invalid_request` (400) for invalid `clip_timestamps` (or more ranges than
 *   MAX_CLIP_RANGES), or diarization options that cannot go together (`checkDiarizationOptions`);
 *   `unsupported_option` (422) naming every option the engine cannot apply, and why (a refused
 *   `diarize` names the missing models)
 */
export function acceptDecodeOptions(
  options: DecodeOptionFields,
  capabilities: ModelCapabilities,
  config: HarkConfig,
): DecodeOptions {
  const given = givenDecodeOptions(options);
  const decode = withDefaults(given);
  try {
    parseClipTimestamps(decode.clip_timestamps, config.maxClipRanges);
  } catch (error) {
    const problem = (error as Error).message;
    throw new HarkError('invalid_request', problem, false, {
      details: [{ field: 'clip_timestamps', problems: [problem] }],
    });
  }
  checkDiarizationOptions(decode, given);
  const refused = refusedOptions(decode, capabilities).map((refusal) => ({
    ...refusal,
    reason: deploymentReason(refusal.option, refusal.reason, config) ?? refusal.reason,
  }));
  if (refused.length) {
    throw new HarkError(
      'unsupported_option',
      `The engine cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}. Leave these options out or use their defaults; GET /api/v1/engine lists what is supported.`,
      false,
      { details: refused.map((r) => ({ field: r.option, problems: [r.reason] })) },
    );
  }
  return decode;
}

/**
 * `num_speakers` and `diarization_threshold` only tune diarization, and only one of them is used.
 * @param given the decode options as the request gave them (undefined: left out)
 * @throws HarkError `invalid_request` (400) for either without `diarize=true`, or both together
 *   (the threshold is not used when the number of speakers is given), naming the fix
 */
function checkDiarizationOptions(decode: DecodeOptions, given: Partial<DecodeOptions>): void {
  const tuning = (['num_speakers', 'diarization_threshold'] as const).filter((field) => given[field] !== undefined);
  const details: FieldProblems[] = !decode.diarize
    ? tuning.map((field) => ({
        field,
        problems: [`${field} only applies to speaker diarization: set diarize=true too, or leave ${field} out`],
      }))
    : tuning.length === 2
      ? [
          {
            field: 'diarization_threshold',
            problems: [
              'diarization_threshold is not used when num_speakers is given (the number of speakers is then fixed, not found by the threshold): leave one of them out',
            ],
          },
        ]
      : [];
  if (details.length)
    throw new HarkError('invalid_request', details.flatMap((detail) => detail.problems).join('; '), false, { details });
}
