import type { Engine, TaskKind, TaskPriority } from '../api/types';
import { TASK_PRIORITIES } from '../api/types';
import { locale, t } from '../i18n';
import { languageName } from '../lib/format';
import { modelChoices, supports, supportsWordTimestamps, type TaskOptions } from '../lib/task-options';
import { NumberField } from './number-field';

interface Props {
  engine: Engine | undefined;
  value: TaskOptions;
  onChange: (value: TaskOptions) => void;
  /** Shown under the language field (e.g. an unknown language). */
  languageError?: string;
}

/**
 * The options of a new task; each decode option appears only when the engine can apply it (word
 * timestamps: with the chosen model), the model only when the processors serve more than one.
 */
export function OptionsFields({ engine, value, onChange, languageError }: Props) {
  const set = (change: Partial<TaskOptions>) => onChange({ ...value, ...change });
  const models = modelChoices(engine);
  return (
    <>
      <div class="options">
        {models.length > 1 && (
          <div class="field">
            <label for="model">{t('model')}</label>
            <select id="model" value={value.model} onChange={(event) => set({ model: event.currentTarget.value })}>
              {models.map((model, index) => (
                // The default model (first) is sent as nothing: the api's default.
                <option key={model} value={index === 0 ? '' : model}>
                  {index === 0 ? t('modelDefault', { model }) : model}
                </option>
              ))}
            </select>
          </div>
        )}
        {supports(engine, 'language') && (
          <div class="field">
            <label for="language">{t('language')}</label>
            <input
              id="language"
              list="language-list"
              autocomplete="off"
              placeholder={t('languageAuto')}
              value={value.language}
              aria-invalid={languageError ? true : undefined}
              aria-describedby={languageError ? 'language-error' : 'language-hint'}
              onInput={(event) => set({ language: event.currentTarget.value })}
            />
            <datalist id="language-list">
              <option value="auto">{t('languageAuto')}</option>
              {engine!.languages.map((code) => (
                <option key={code} value={code}>
                  {languageName(code, locale)}
                </option>
              ))}
            </datalist>
            {languageError ? (
              <p id="language-error" class="field-error">
                {languageError}
              </p>
            ) : (
              <p id="language-hint" class="hint">
                {t('languageHint')}
              </p>
            )}
          </div>
        )}
        {supports(engine, 'task') && (
          <div class="field">
            <label for="task-kind">{t('taskKind')}</label>
            <select
              id="task-kind"
              value={value.task}
              onChange={(event) => set({ task: event.currentTarget.value as TaskKind })}
            >
              <option value="transcribe">{t('task_transcribe')}</option>
              <option value="translate">{t('task_translate')}</option>
            </select>
          </div>
        )}
        <div class="field">
          <label for="priority">{t('priority')}</label>
          <select
            id="priority"
            value={value.priority}
            onChange={(event) => set({ priority: event.currentTarget.value as TaskPriority })}
          >
            {TASK_PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {t(`priority_${priority}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="checks">
        {supportsWordTimestamps(engine, value.model) && (
          <div class="field check">
            <input
              id="word-timestamps"
              type="checkbox"
              checked={value.wordTimestamps}
              onChange={(event) => set({ wordTimestamps: event.currentTarget.checked })}
            />
            <label for="word-timestamps">{t('wordTimestamps')}</label>
          </div>
        )}
        {supports(engine, 'diarize') && (
          <div class="field check">
            <input
              id="diarize"
              type="checkbox"
              checked={value.diarize}
              onChange={(event) => set({ diarize: event.currentTarget.checked })}
            />
            <label for="diarize">{t('diarize')}</label>
          </div>
        )}
        {value.diarize && supports(engine, 'diarize') && supports(engine, 'num_speakers') && (
          <NumberField
            id="num-speakers"
            label={t('numSpeakers')}
            inline
            min={1}
            max={100}
            step={1}
            placeholder={t('numSpeakersAuto')}
            value={value.numSpeakers}
            onInput={(numSpeakers) => set({ numSpeakers })}
          />
        )}
      </div>
    </>
  );
}
