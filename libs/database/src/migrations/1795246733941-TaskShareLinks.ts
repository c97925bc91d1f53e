import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskShareLinks1795246733941 implements MigrationInterface {
  name = 'TaskShareLinks1795246733941';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "platform" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "link" jsonb`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "error_code" character varying(32)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "error_code"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "link"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "platform"`);
  }
}
