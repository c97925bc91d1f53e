import { useEffect } from 'preact/hooks';
import { getTask } from '../api/tasks';
import { FINAL_STATUSES, type Task } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { LiveStatus } from '../components/live-status';
import { StatusBadge } from '../components/status-badge';
import { TaskActions } from '../components/task-actions';
import { TranscriptView } from '../components/transcript/transcript-view';
import { locale, t } from '../i18n';
import { clock, dateTime, languageName } from '../lib/format';
import { navigate } from '../lib/router';
import { taskName } from '../lib/task-name';
import { useAsync } from '../lib/use-async';
import { useLiveTask } from '../lib/use-live-task';

/** While the live stream cannot be opened, the task is read again this often (ms). */
const POLL_MS = 3000;

/** One line of facts about a task: status, language, duration, task, model (when it names one), when it was created. */
function TaskFacts({ task }: { task: Task }) {
  const facts = [
    task.language && languageName(task.language, locale),
    task.duration !== null && clock(task.duration),
    t(`task_${task.task}`),
    task.model && t('modelFact', { model: task.model }),
    dateTime(task.created_at, locale),
  ].filter(Boolean);
  return (
    <p class="facts">
      <StatusBadge status={task.status} /> <span class="muted">{facts.join(' · ')}</span>
    </p>
  );
}

/** One task: live status while it runs, then its transcript; or why it failed. */
export function TaskPage({ id }: { id: string }) {
  const loaded = useAsync(() => getTask(id), [id]);
  const task = loaded.data;
  const live = useLiveTask(task, loaded.reload);

  // Without a live stream (e.g. Redis away), read the task now and then instead.
  useEffect(() => {
    if (!live?.failure) return;
    const timer = setInterval(loaded.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [live?.failure, loaded.reload]);

  if (!task) {
    return (
      <section>
        <h1>{t('taskTitle')}</h1>
        {loaded.error ? <ErrorMessage error={loaded.error} /> : <p class="muted">{t('loading')}</p>}
        <p>
          <a href="#/tasks">{t('backToTasks')}</a>
        </p>
      </section>
    );
  }

  // While the task runs, its status is the live one (the task was loaded once, before it started).
  const current: Task = live && !FINAL_STATUSES.includes(task.status) ? { ...task, status: live.status } : task;
  return (
    <section class="stack" aria-labelledby="task-title">
      <div class="task-head">
        <h1 id="task-title" class="task-title">
          {taskName(task)}
        </h1>
        <TaskFacts task={current} />
        <TaskActions task={current} onChange={(next) => (next ? loaded.setData(next) : navigate('#/tasks'))} />
      </div>
      {live && <LiveStatus live={live} />}
      {task.status === 'failed' && (
        <p class="error" role="alert">
          {task.error ?? t('status_failed')}
        </p>
      )}
      {task.status === 'completed' && task.result && (
        <TranscriptView task={task} result={task.result} onTaskChange={loaded.setData} />
      )}
    </section>
  );
}
