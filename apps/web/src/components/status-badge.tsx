import type { TaskStatus } from '../api/types';
import { t } from '../i18n';

/** A task's status as a coloured label. */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return <span class={`badge badge-${status}`}>{t(`status_${status}`)}</span>;
}
