import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../../api/client';
import { renameSpeakers } from '../../api/tasks';
import type { Speaker, Task } from '../../api/types';
import { t } from '../../i18n';
import { clock } from '../../lib/format';
import { ErrorMessage } from '../error-message';

interface Props {
  task: Task;
  speakers: Speaker[];
  colours: Map<string, number>;
  onRenamed: (task: Task) => void;
}

/** The speakers of a diarized task, with their speaking time; names can be changed (PATCH …/speakers). */
export function SpeakerNames({ task, speakers, colours, onRenamed }: Props) {
  const [names, setNames] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setNames(Object.fromEntries(speakers.map(({ speaker }) => [speaker, speaker]))), [speakers]);

  const changed = Object.fromEntries(
    Object.entries(names).filter(([label, name]) => name.trim() && name.trim() !== label),
  );
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      onRenamed(await renameSpeakers(task.id, changed));
      setSaved(true);
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card speakers" aria-labelledby="speakers-title" onSubmit={(event) => void save(event)}>
      <h2 id="speakers-title">{t('speakers')}</h2>
      <ul class="speaker-fields">
        {speakers.map(({ speaker, speaking_time }, i) => (
          <li key={speaker}>
            <label for={`speaker-${i}`}>
              <span class={`swatch speaker-${colours.get(speaker) ?? 0}`} aria-hidden="true" />
              {t('speakerLabel', { speaker, time: clock(speaking_time) })}
            </label>
            <input
              id={`speaker-${i}`}
              maxLength={100}
              value={names[speaker] ?? speaker}
              onInput={(event) => setNames({ ...names, [speaker]: event.currentTarget.value })}
            />
          </li>
        ))}
      </ul>
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" disabled={busy || Object.keys(changed).length === 0}>
          {t('saveNames')}
        </button>
        <span class="muted" role="status">
          {saved ? t('namesSaved') : ''}
        </span>
      </div>
    </form>
  );
}
