import type { Engine, TaskKind, TaskPriority } from '../api/types';
import { languageName } from './format';

/** The options of the new-task form, as the user set them. */
export interface TaskOptions {
  /** A model the processors serve; empty: the default model. */
  model: string;
  /** A Whisper code, a language name, "auto" or empty (detect). */
  language: string;
  task: TaskKind;
  priority: TaskPriority;
  wordTimestamps: boolean;
  diarize: boolean;
  /** Empty: let diarization find the number. */
  numSpeakers: string;
}

export const DEFAULT_OPTIONS: TaskOptions = {
  model: '',
  language: '',
  task: 'transcribe',
  priority: 'normal',
  wordTimestamps: false,
  diarize: false,
  numSpeakers: '',
};

/** Whether the engine can apply other values than the default of a decode option (`GET /api/v1/engine` → options). */
export function supports(engine: Engine | undefined, option: string): boolean {
  if (!engine) return false;
  const support = engine.options[option]?.supported === true;
  return option === 'diarize' ? support && engine.diarization.available : support;
}

/**
 * The models a task may name: the default model first, then the others the running processors
 * serve (`live_models`), by name. Only the default when the engine lists no other.
 */
export function modelChoices(engine: Engine | undefined): string[] {
  if (!engine) return [];
  const others = (engine.live_models ?? []).map((model) => model.name).filter((name) => name !== engine.active_model);
  return [engine.active_model, ...new Set(others)];
}

/**
 * Whether word timestamps can be asked for with a model ('' or the default model: the engine's
 * options; another model: what the processors serving it announce).
 */
export function supportsWordTimestamps(engine: Engine | undefined, model: string): boolean {
  if (!engine) return false;
  if (!model || model === engine.active_model) return supports(engine, 'word_timestamps');
  const served = engine.live_models?.find((live) => live.name === model);
  return served ? served.word_timestamps : supports(engine, 'word_timestamps');
}

/**
 * The Whisper code a language field names: a code (`en`), or a name in the page's language or in
 * English (`English`, `英语`); null for detect ("" or "auto"); undefined when it names nothing known.
 */
export function languageCode(text: string, codes: readonly string[], locale: string): string | null | undefined {
  const wanted = text.trim().toLowerCase();
  if (wanted === '' || wanted === 'auto') return null;
  for (const code of codes) {
    if (code.toLowerCase() === wanted) return code;
    if (languageName(code, locale).toLowerCase() === wanted || languageName(code, 'en').toLowerCase() === wanted)
      return code;
  }
  return undefined;
}

/** The API fields for the options: only what differs from the API's defaults and the engine can apply. */
export function optionFields(options: TaskOptions, engine: Engine | undefined, language: string | null) {
  const fields: Record<string, string> = {};
  // The default model is left out (the api's default), so the request reads as before models were named.
  if (options.model && options.model !== engine?.active_model) fields.model = options.model;
  if (language) fields.language = language;
  if (options.task !== 'transcribe') fields.task = options.task;
  if (options.priority !== 'normal') fields.priority = options.priority;
  if (options.wordTimestamps && supportsWordTimestamps(engine, options.model)) fields.word_timestamps = 'true';
  if (options.diarize && supports(engine, 'diarize')) {
    fields.diarize = 'true';
    if (options.numSpeakers.trim() && supports(engine, 'num_speakers'))
      fields.num_speakers = options.numSpeakers.trim();
  }
  return fields;
}

/** The same fields for a JSON body (booleans and numbers as JSON values). */
export function jsonFields(fields: Record<string, string>): Record<string, unknown> {
  const json: Record<string, unknown> = { ...fields };
  for (const name of ['word_timestamps', 'diarize']) if (name in fields) json[name] = fields[name] === 'true';
  if ('num_speakers' in fields) json.num_speakers = Number(fields.num_speakers);
  return json;
}
