import type { TaskOwner } from '@app/tasks';
import type { Principal } from '../../../auth/principal';

/**
 * Whose tasks a principal may see and manage: an ordinary key only its own, an admin key (or
 * anyone, when the service has no keys) every task. The one place this rule is decided; every
 * read of a task for a request goes through `GetTask` or `ListTasks`.
 */
export function scopeOf(principal: Principal | undefined): TaskOwner | undefined {
  return principal && !principal.admin ? { name: principal.name, id: principal.id } : undefined;
}
