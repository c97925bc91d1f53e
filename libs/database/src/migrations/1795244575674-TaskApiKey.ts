import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskApiKey1795244575674 implements MigrationInterface {
  name = 'TaskApiKey1795244575674';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "api_key_id" character varying(16)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "api_key_id"`);
  }
}
