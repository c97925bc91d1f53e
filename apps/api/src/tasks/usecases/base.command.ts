import { validateSync } from 'class-validator';

/**
 * The input of a use case, checked when it is made: a use case's `execute` takes only a command
 * built by `create`, so it never sees, say, a task id that is not a UUID. A command that fails its
 * checks is the caller's bug (its own request validation let the value through), not the client's:
 * `create` throws a plain Error, answered as a 500.
 */
export abstract class BaseCommand {
  /**
   * The command of `fields`, checked against its class-validator decorators.
   * @throws Error naming each field that fails its checks
   */
  static create<T extends BaseCommand>(this: new () => T, fields: T): T {
    const command = Object.assign(new this(), fields);
    const errors = validateSync(command, { forbidUnknownValues: false });
    if (errors.length) {
      const problems = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
      throw new Error(`Invalid ${this.name}: ${problems.join('; ')}`);
    }
    return command;
  }
}
