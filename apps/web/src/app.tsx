import { auth, forgetKey } from './api/auth';
import { KeyPrompt } from './components/key-prompt';
import { t } from './i18n';
import { NewTaskPage } from './pages/new-task-page';
import { TaskListPage } from './pages/task-list-page';
import { TaskPage } from './pages/task-page';
import { type Route, useRoute } from './lib/router';
import { useStore } from './lib/store';

/** The view of a route. */
function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'tasks':
      return <TaskListPage />;
    case 'task':
      return <TaskPage key={route.id} id={route.id} />;
    case 'new':
      return <NewTaskPage />;
  }
}

/** The page: header with navigation and the key control, then the current view (or the key prompt). */
export function App() {
  const route = useRoute();
  const { key, required, generation } = useStore(auth);
  const current = (name: Route['name']) =>
    route.name === name || (name === 'tasks' && route.name === 'task') ? 'page' : undefined;
  return (
    <>
      <header class="top">
        <div class="top-inner">
          <a class="brand" href="#/">
            <span class="brand-mark" aria-hidden="true" />
            Hark
          </a>
          <nav aria-label={t('navigation')}>
            <a href="#/" aria-current={current('new')}>
              {t('navNew')}
            </a>
            <a href="#/tasks" aria-current={current('tasks')}>
              {t('navTasks')}
            </a>
          </nav>
          {key && (
            <button type="button" class="link" onClick={forgetKey}>
              {t('forgetKey')}
            </button>
          )}
        </div>
      </header>
      <main class="main">{required ? <KeyPrompt /> : <View key={generation} route={route} />}</main>
    </>
  );
}
