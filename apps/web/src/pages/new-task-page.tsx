import { useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api/client';
import { createTaskFromLink, getEngine } from '../api/tasks';
import { type Upload, uploadTask } from '../api/upload';
import { ErrorMessage } from '../components/error-message';
import { FileDrop } from '../components/file-drop';
import { OptionsFields } from '../components/options-fields';
import { ProgressBar } from '../components/progress-bar';
import { locale, t } from '../i18n';
import { linkField } from '../lib/media-input';
import { navigate, taskHref } from '../lib/router';
import { DEFAULT_OPTIONS, jsonFields, languageCode, optionFields, type TaskOptions } from '../lib/task-options';
import { useAsync } from '../lib/use-async';

/** New transcription: a file (dropped or picked, uploaded with a progress bar) or a link, and the options. */
export function NewTaskPage() {
  const engine = useAsync(getEngine, []);
  const [file, setFile] = useState<File | null>(null);
  const [link, setLink] = useState('');
  const [options, setOptions] = useState<TaskOptions>(DEFAULT_OPTIONS);
  const [languageError, setLanguageError] = useState<string>();
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const upload = useRef<Upload | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const language = languageCode(options.language, engine.data?.languages ?? [], locale);
    if (language === undefined) {
      setLanguageError(t('languageUnknown', { language: options.language.trim() }));
      return;
    }
    setLanguageError(undefined);
    const fields = optionFields(options, engine.data, language);
    setBusy(true);
    setError(undefined);
    try {
      let task;
      if (file) {
        setUploaded(0);
        upload.current = uploadTask(file, fields, setUploaded);
        task = await upload.current.done;
      } else {
        task = await createTaskFromLink({ ...jsonFields(fields), [linkField(link)]: link.trim() });
      }
      navigate(taskHref(task.id));
    } catch (failure) {
      setError(failure as ApiError);
      setUploaded(null);
    } finally {
      upload.current = null;
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">{t('newTitle')}</h1>
      <form class="stack" onSubmit={(event) => void submit(event)}>
        <fieldset class="card" disabled={busy}>
          <legend>{t('mediaLegend')}</legend>
          <FileDrop
            file={file}
            onFile={(picked) => {
              setFile(picked);
              if (picked) setLink('');
            }}
          />
          <p class="or" aria-hidden="true">
            {t('or')}
          </p>
          <label for="link">{t('linkLabel')}</label>
          <textarea
            id="link"
            rows={2}
            placeholder={t('linkPlaceholder')}
            value={link}
            onInput={(event) => {
              setLink(event.currentTarget.value);
              if (event.currentTarget.value.trim()) setFile(null);
            }}
          />
          <p class="hint">{t('linkHint')}</p>
        </fieldset>
        <fieldset class="card" disabled={busy}>
          <legend>{t('optionsLegend')}</legend>
          <OptionsFields engine={engine.data} value={options} onChange={setOptions} languageError={languageError} />
          <ErrorMessage error={engine.error} />
        </fieldset>
        {uploaded !== null && (
          <div class="upload-progress">
            <ProgressBar id="upload-progress" value={uploaded * 100} label={t('uploading')} />
            <span class="muted">{t('uploadingPercent', { percent: Math.round(uploaded * 100) })}</span>
          </div>
        )}
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || (!file && !link.trim())}>
            {busy ? t('sending') : t('transcribe')}
          </button>
          {busy && upload.current && (
            <button type="button" onClick={() => upload.current?.abort()}>
              {t('cancelUpload')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
