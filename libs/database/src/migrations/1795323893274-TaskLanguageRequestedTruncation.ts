import { MigrationInterface, QueryRunner } from 'typeorm';

/** `language_requested` (the request; `language` becomes the transcript's language) and `media_truncated`, with backfill. */
export class TaskLanguageRequestedTruncation1795323893274 implements MigrationInterface {
  name = 'TaskLanguageRequestedTruncation1795323893274';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "language_requested" character varying(8)`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD "media_truncated" boolean`);
    // Backfill: until now `language` held the request; a completed auto-detected task gets the language of its transcript.
    await queryRunner.query(`UPDATE "tasks" SET "language_requested" = "language"`);
    await queryRunner.query(
      `UPDATE "tasks" SET "language" = "result"->>'language' WHERE "status" = 'completed' AND "language" IS NULL AND "result"->>'language' IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // `language` goes back to holding the request.
    await queryRunner.query(`UPDATE "tasks" SET "language" = "language_requested"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "media_truncated"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "language_requested"`);
  }
}
