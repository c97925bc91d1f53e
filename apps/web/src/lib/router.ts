import { useEffect, useState } from 'preact/hooks';

/** The page's views, from the URL's hash: `#/` new task, `#/tasks` the list, `#/tasks/<id>` one task. */
export type Route = { name: 'new' } | { name: 'tasks' } | { name: 'task'; id: string };

/** The route a hash names; anything unknown is the new-task view. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === '/tasks') return { name: 'tasks' };
  const task = /^\/tasks\/([^/]+)$/.exec(path);
  if (task) return { name: 'task', id: decodeURIComponent(task[1]) };
  return { name: 'new' };
}

/** The hash of a task's view. */
export function taskHref(id: string): string {
  return `#/tasks/${encodeURIComponent(id)}`;
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** Goes to another view. */
export function navigate(hash: string): void {
  location.hash = hash;
}
