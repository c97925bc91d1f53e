import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskSourcesOptionsCallbacks1795243529036 implements MigrationInterface {
  name = 'TaskSourcesOptionsCallbacks1795243529036';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "source_url" text`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "decode_options" jsonb`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "callback_url" text`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "callback_include_result" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "callback_status" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "callback_attempts" jsonb NOT NULL DEFAULT '[]'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "callback_attempts"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "callback_status"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "callback_include_result"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "callback_url"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "decode_options"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "source_url"`);
  }
}
