import { useState } from 'preact/hooks';
import type { ApiError } from '../../api/client';
import { withQuery } from '../../api/client';
import { downloadFile } from '../../api/download';
import { SUBTITLE_FORMATS, type SubtitleFormat } from '../../api/types';
import { taskPath } from '../../api/tasks';
import { t } from '../../i18n';
import { ErrorMessage } from '../error-message';
import { NumberField } from '../number-field';

/** Line options apply to the subtitle formats only (GET …/subtitles, subtitles-query.dto.ts). */
const HAS_LINES: readonly SubtitleFormat[] = ['srt', 'vtt'];

/** Downloads the transcript as SRT, WebVTT, text, TSV or JSON, with the subtitle line options. */
export function DownloadPanel({ taskId }: { taskId: string }) {
  const [format, setFormat] = useState<SubtitleFormat>('srt');
  const [width, setWidth] = useState('');
  const [lines, setLines] = useState('');
  const [duration, setDuration] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const download = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const lineOptions = HAS_LINES.includes(format)
      ? { max_line_width: width, max_line_count: lines, max_cue_duration: duration }
      : {};
    try {
      await downloadFile(withQuery(taskPath(taskId, 'subtitles'), { format, ...lineOptions }), `${taskId}.${format}`);
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" aria-labelledby="download-title" onSubmit={(event) => void download(event)}>
      <h2 id="download-title">{t('download')}</h2>
      <div class="options">
        <div class="field">
          <label for="format">{t('format')}</label>
          <select
            id="format"
            value={format}
            onChange={(event) => setFormat(event.currentTarget.value as SubtitleFormat)}
          >
            {SUBTITLE_FORMATS.map((name) => (
              <option key={name} value={name}>
                {t(`format_${name}`)}
              </option>
            ))}
          </select>
        </div>
        {HAS_LINES.includes(format) && (
          <>
            <NumberField
              id="max-line-width"
              label={t('maxLineWidth')}
              min={1}
              max={1000}
              placeholder={t('noLimit')}
              value={width}
              onInput={setWidth}
            />
            <NumberField
              id="max-line-count"
              label={t('maxLineCount')}
              min={1}
              max={100}
              placeholder={t('noLimit')}
              value={lines}
              onInput={setLines}
            />
            <NumberField
              id="max-cue-duration"
              label={t('maxCueDuration')}
              inputMode="decimal"
              min={0.5}
              max={600}
              step={0.5}
              placeholder="7"
              value={duration}
              onInput={setDuration}
            />
          </>
        )}
      </div>
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('downloadFormat', { format: format.toUpperCase() })}
        </button>
      </div>
    </form>
  );
}
