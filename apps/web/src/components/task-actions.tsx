import { useState } from 'preact/hooks';
import type { ApiError } from '../api/client';
import { cancelTask, deleteTask, retryTask } from '../api/tasks';
import type { Task } from '../api/types';
import { t } from '../i18n';
import { ErrorMessage } from './error-message';

interface Props {
  task: Task;
  /** The task as the action left it; null once deleted. */
  onChange: (task: Task | null) => void;
  /** Names the task in the buttons' accessible names (in a list of tasks). */
  label?: string;
}

/** Cancel (queued, processing), retry (failed, cancelled) and delete (asks once more) for one task. */
export function TaskActions({ task, onChange, label }: Props) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (action: () => Promise<Task | null>) => {
    setBusy(true);
    setError(undefined);
    try {
      onChange(await action());
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const named = (text: string) => (label ? `${text}: ${label}` : undefined);
  const active = task.status === 'queued' || task.status === 'processing';
  const retryable = task.status === 'failed' || task.status === 'cancelled';
  return (
    <div class="task-actions">
      <div class="actions">
        {active && (
          <button
            type="button"
            disabled={busy}
            aria-label={named(t('cancel'))}
            onClick={() => void run(() => cancelTask(task.id))}
          >
            {t('cancel')}
          </button>
        )}
        {retryable && (
          <button
            type="button"
            disabled={busy}
            aria-label={named(t('retry'))}
            onClick={() => void run(() => retryTask(task.id))}
          >
            {t('retry')}
          </button>
        )}
        {confirming ? (
          <>
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => void run(() => deleteTask(task.id).then(() => null))}
            >
              {t('confirmDelete')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('keep')}
            </button>
          </>
        ) : (
          <button type="button" disabled={busy} aria-label={named(t('delete'))} onClick={() => setConfirming(true)}>
            {t('delete')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}
