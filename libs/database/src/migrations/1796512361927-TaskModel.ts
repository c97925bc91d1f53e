import { MigrationInterface, QueryRunner } from 'typeorm';

/** `model`: the Whisper model a task runs on (null for tasks from before: they run on the default model, ASR_MODEL). */
export class TaskModel1796512361927 implements MigrationInterface {
  name = 'TaskModel1796512361927';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "model" character varying(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "model"`);
  }
}
