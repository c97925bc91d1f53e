import { TaskCommand } from '../task.command';

/** Rename the speakers of one task: the request body, current label → new name. */
export class RenameSpeakersCommand extends TaskCommand {
  /** As the client sent it (any JSON): `RenameSpeakers` says what is wrong with it, in the client's terms. */
  names: unknown;
}
