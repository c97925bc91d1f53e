import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasks1795241252217 implements MigrationInterface {
  name = 'CreateTasks1795241252217';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tasks" ("id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'queued', "task" character varying(16) NOT NULL DEFAULT 'transcribe', "language" character varying(8), "priority" character varying(8) NOT NULL DEFAULT 'normal', "source" character varying(16) NOT NULL DEFAULT 'upload', "file_name" text, "file_size_bytes" bigint, "media_path" text, "duration" double precision, "progress" smallint NOT NULL DEFAULT '0', "attempts" integer NOT NULL DEFAULT '0', "error" text, "result" jsonb, "engine" character varying(128), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "processing_time" double precision, CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_tasks_status_created_at" ON "tasks"  ("status", "created_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_tasks_status_created_at"`);
    await queryRunner.query(`DROP TABLE "tasks"`);
  }
}
