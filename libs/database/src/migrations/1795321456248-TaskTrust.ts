import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskTrust1795321456248 implements MigrationInterface {
  name = 'TaskTrust1795321456248';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "callback_delivery_id" uuid`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "api_key_name" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "idempotency_key" character varying(255)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "request_hash" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "media_removed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "checkpoint" jsonb`);
    await queryRunner.query(
      `CREATE INDEX "IDX_tasks_api_key_name_idempotency_key" ON "tasks"  ("api_key_name", "idempotency_key") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_tasks_api_key_name_idempotency_key"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "checkpoint"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "media_removed_at"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "request_hash"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "idempotency_key"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "api_key_name"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "callback_delivery_id"`);
  }
}
