import { basename } from 'node:path';
import { DEFAULT_DECODE_OPTIONS, type DecodeOptions } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { modelCapabilities, optionReason } from './capabilities';
import { ServedModels } from './served-models';

class DecodeOptionSupportDto {
  @ApiProperty({ description: 'Default value.', example: 1 })
  default: unknown;

  @ApiProperty({ description: 'Whether values other than the default can be applied.', example: false })
  supported: boolean;

  @ApiProperty({
    description: 'Why only the default is accepted (when not supported).',
    required: false,
    example: "sherpa-onnx's Whisper decoder is greedy-only",
  })
  reason?: string;
}

class ModelFeaturesDto {
  @ApiProperty({
    description:
      'Word times (`word_timestamps`): the decoder has cross-attention outputs (a Whisper export with attention).',
    example: false,
  })
  word_timestamps: boolean;
}

class LiveModelDto {
  @ApiProperty({ description: 'Model name, as a task names it (`model`).', example: 'large-v3' })
  name: string;

  @ApiProperty({ description: 'How many running processors serve it (ASR_MODELS).', example: 2 })
  processors: number;

  @ApiProperty({
    description:
      'Whether at least one of them has it loaded now; false while it is unloaded for being idle (MODEL_IDLE_TIMEOUT): the next task loads it again.',
    example: true,
  })
  loaded: boolean;

  @ApiProperty({ description: 'Whether it gives word times (`word_timestamps=true`).', example: false })
  word_timestamps: boolean;

  @ApiProperty({
    description: 'The devices of the processors serving it (ASR_DEVICES: `cpu`, `cuda:0`, …), each once.',
    example: ['cuda:0', 'cuda:1'],
  })
  devices: string[];
}

class DiarizationSupportDto {
  @ApiProperty({
    description:
      'Whether `diarize=true` can be applied: both models (DIARIZATION_SEGMENTATION_MODEL, DIARIZATION_EMBEDDING_MODEL) are installed. When false, `options.diarize.reason` names what is missing.',
    example: true,
  })
  available: boolean;

  @ApiProperty({
    description: 'File name of the speaker-segmentation model (DIARIZATION_SEGMENTATION_MODEL).',
    example: 'model.onnx',
  })
  segmentation_model: string;

  @ApiProperty({
    description: 'File name of the speaker-embedding model (DIARIZATION_EMBEDDING_MODEL).',
    example: '3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx',
  })
  embedding_model: string;

  @ApiProperty({
    description:
      'Longest file diarized, in seconds (DIARIZATION_MAX_SECONDS): a longer upload with `diarize=true` is refused with 422; a longer download fails.',
    example: 10800,
  })
  max_seconds: number;
}

class EngineDto {
  @ApiProperty({ example: 'sherpa-onnx' })
  engine: string;

  @ApiProperty({
    description:
      'The default model (ASR_MODEL): what a task that names no `model` runs on; `options` says what it supports.',
    example: 'tiny',
  })
  active_model: string;

  @ApiProperty({
    description:
      'The models the running processors serve now (from the processor registry), which tasks may name as `model`; null when Redis, which holds the registry, does not answer.',
    type: [LiveModelDto],
    nullable: true,
  })
  live_models: LiveModelDto[] | null;

  @ApiProperty({
    description: "Models installed in the running processors' MODELS_DIR (served or not), as they announce them.",
    example: ['base', 'tiny'],
  })
  models: string[];

  @ApiProperty({
    description: 'What each installed model (`models`) can give besides text.',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ModelFeaturesDto) },
    example: { tiny: { word_timestamps: false } },
  })
  model_features: Record<string, ModelFeaturesDto>;

  @ApiProperty({
    description:
      "ONNX Runtime provider of this api node's ASR_DEVICES (the processors' own devices are in `live_models[].devices`).",
    enum: ['cpu', 'cuda'],
    example: 'cpu',
  })
  provider: string;

  @ApiProperty({
    description: "Device kind of this api node's ASR_DEVICES (see `live_models[].devices` for the processors').",
    enum: ['cpu', 'gpu'],
    example: 'cpu',
  })
  device: string;

  @ApiProperty({ example: 'silero_vad.onnx' })
  vad_model: string;

  @ApiProperty({
    description: 'Speaker diarization (`diarize`): whether it is available, its models and its length limit.',
  })
  diarization: DiarizationSupportDto;

  @ApiProperty({ description: 'Languages accepted by `language` with the default model.', example: ['en', 'zh', 'de'] })
  languages: readonly string[];

  @ApiProperty({
    description: 'Every decoding/VAD option with its default and whether it can be changed with the default model.',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(DecodeOptionSupportDto) },
  })
  options: Record<string, DecodeOptionSupportDto>;
}

/** What this deployment can do, so clients can discover models and supported options. */
@ApiTags('engine')
@ApiExtraModels(DecodeOptionSupportDto, ModelFeaturesDto)
@Controller('api/v1/engine')
export class EngineController {
  constructor(
    private readonly config: HarkConfig,
    private readonly served: ServedModels,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Installed models, the default model, the models running processors serve, the device, speaker diarization, and which decoding options are supported',
  })
  @ApiOkResponse({ type: EngineDto })
  async get(): Promise<EngineDto> {
    // Every fact about models comes from the processor registry (what the live processors announce).
    const registry = await this.served.registryOrNull();
    const live = registry?.live ?? null;
    const installed = registry?.installed ?? null;
    const capabilities = modelCapabilities(this.config, this.config.asrModel, live ?? []);
    const options = Object.fromEntries(
      Object.entries(DEFAULT_DECODE_OPTIONS).map(([name, value]) => {
        const reason = optionReason(name as keyof DecodeOptions, capabilities, this.config);
        return [name, reason ? { default: value, supported: false, reason } : { default: value, supported: true }];
      }),
    );
    return {
      engine: 'sherpa-onnx',
      active_model: this.config.asrModel,
      live_models:
        live?.map(({ name, processors, loaded, word_timestamps, devices }) => ({
          name,
          processors,
          loaded,
          word_timestamps,
          devices,
        })) ?? null,
      models: (installed ?? []).map((model) => model.name),
      model_features: Object.fromEntries(
        (installed ?? []).map((model) => [model.name, { word_timestamps: model.word_timestamps }]),
      ),
      provider: this.config.asrProvider,
      device: this.config.asrProvider === 'cuda' ? 'gpu' : 'cpu',
      vad_model: basename(this.config.vadModel),
      diarization: {
        available: capabilities.diarization !== false,
        segmentation_model: basename(this.config.diarizationSegmentationModel),
        embedding_model: basename(this.config.diarizationEmbeddingModel),
        max_seconds: this.config.diarizationMaxSeconds,
      },
      languages: capabilities.languages,
      options,
    };
  }
}
