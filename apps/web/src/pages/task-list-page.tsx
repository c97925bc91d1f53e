import { useEffect, useState } from 'preact/hooks';
import { listTasks } from '../api/tasks';
import { FINAL_STATUSES, TASK_SOURCES, TASK_STATUSES, type Task } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { ProgressBar } from '../components/progress-bar';
import { StatusBadge } from '../components/status-badge';
import { TaskActions } from '../components/task-actions';
import { locale, t } from '../i18n';
import { clock, dateTime, languageName } from '../lib/format';
import { taskHref } from '../lib/router';
import { taskName } from '../lib/task-name';
import { useAsync } from '../lib/use-async';

const PAGE_SIZE = 20;
/** While a listed task is unfinished, the list is read again this often (ms). */
const REFRESH_MS = 4000;

interface Filters {
  status: string;
  task: string;
  source: string;
  language: string;
}

/** One task in the list: name (a link to it), status, facts and actions. */
function TaskRow({ task, onChange }: { task: Task; onChange: () => void }) {
  const name = taskName(task);
  const facts = [
    task.language && languageName(task.language, locale),
    task.duration !== null && clock(task.duration),
    dateTime(task.created_at, locale),
  ].filter(Boolean);
  return (
    <li class="card task-row">
      <div class="task-row-head">
        <a class="task-link" href={taskHref(task.id)}>
          {name}
        </a>
        <StatusBadge status={task.status} />
      </div>
      <p class="muted">{facts.join(' · ')}</p>
      {task.status === 'processing' && <ProgressBar value={task.progress} label={t('progressOf', { name })} />}
      {task.status === 'failed' && task.error && <p class="error-text">{task.error}</p>}
      <TaskActions task={task} label={name} onChange={onChange} />
    </li>
  );
}

/** Recent tasks, newest first, with filters and paging; cancel, retry and delete. */
export function TaskListPage() {
  const [filters, setFilters] = useState<Filters>({ status: '', task: '', source: '', language: '' });
  const [offset, setOffset] = useState(0);
  const page = useAsync(
    () => listTasks({ ...filters, language: filters.language.trim(), limit: PAGE_SIZE, offset }),
    [filters.status, filters.task, filters.source, filters.language, offset],
  );
  const items = page.data?.items ?? [];
  const unfinished = items.some((task) => !FINAL_STATUSES.includes(task.status));

  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(page.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [unfinished, page.reload]);

  const filter = (change: Partial<Filters>) => {
    setFilters({ ...filters, ...change });
    setOffset(0);
  };
  const total = page.data?.total ?? 0;

  return (
    <section class="stack" aria-labelledby="tasks-title">
      <div class="list-head">
        <h1 id="tasks-title">{t('tasksTitle')}</h1>
        <button type="button" onClick={page.reload}>
          {t('refresh')}
        </button>
      </div>
      <form class="card filters" aria-label={t('filters')} onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-status">{t('status')}</label>
          <select id="filter-status" value={filters.status} onChange={(e) => filter({ status: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            {TASK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status_${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-task">{t('taskKind')}</label>
          <select id="filter-task" value={filters.task} onChange={(e) => filter({ task: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            <option value="transcribe">{t('task_transcribe')}</option>
            <option value="translate">{t('task_translate')}</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-source">{t('source')}</label>
          <select id="filter-source" value={filters.source} onChange={(e) => filter({ source: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            {TASK_SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`source_${source}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-language">{t('languageCode')}</label>
          <input
            id="filter-language"
            placeholder="en"
            autocomplete="off"
            size={6}
            value={filters.language}
            onChange={(e) => filter({ language: e.currentTarget.value })}
          />
        </div>
      </form>
      <ErrorMessage error={page.error} />
      <p class="muted" role="status">
        {page.data
          ? total === 0
            ? t('noTasks')
            : t('showing', { from: offset + 1, to: offset + items.length, total })
          : t('loading')}
      </p>
      <ul class="task-list">
        {items.map((task) => (
          <TaskRow key={task.id} task={task} onChange={page.reload} />
        ))}
      </ul>
      {total > PAGE_SIZE && (
        <nav class="actions pager" aria-label={t('pages')}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t('previous')}
          </button>
          <button type="button" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            {t('next')}
          </button>
        </nav>
      )}
    </section>
  );
}
