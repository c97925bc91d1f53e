import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transcript } from '@app/asr-engine';
import { loadConfig } from '@app/config';
import type { TaskEntity, TaskStatus } from '@app/tasks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { toErrorResponse } from '../../common/error-response';
import { ServedModels } from '../../engine/served-models';
import type { TaskOptionsDto } from '../dto/create-task.dto';
import { CreateTaskCommand, type TaskMedia } from './create/create-task.command';
import { CreateTask } from './create/create-task.usecase';
import { TaskSources } from './create/task-sources';
import { GetTask } from './read/get-task.usecase';
import { RenameSpeakersCommand } from './speakers/rename-speakers.command';
import { RenameSpeakers } from './speakers/rename-speakers.usecase';
import { TaskCommand } from './task.command';

const modelsDir = mkdtempSync(join(tmpdir(), 'hark-tasks-service-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));
for (const file of ['diarization/seg.onnx', 'diarization/emb.onnx']) {
  mkdirSync(join(modelsDir, 'diarization'), { recursive: true });
  writeFileSync(join(modelsDir, file), 'onnx');
}

const diarized: Transcript = {
  text: 'Hello. Hi.',
  language: 'en',
  duration: 3,
  segments: [
    { id: 0, start: 0, end: 1, text: 'Hello.', speaker: 'SPEAKER_00' },
    { id: 1, start: 1.5, end: 2, text: 'Hi.', speaker: 'SPEAKER_01' },
  ],
  speakers: [
    { speaker: 'SPEAKER_00', speaking_time: 1 },
    { speaker: 'SPEAKER_01', speaking_time: 0.5 },
  ],
};

const ID = '3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10';

/** `CreateTask` and `RenameSpeakers` over stubs: `task` is what the repository finds, `saved` what `saveResult` answers (the saved task by default). */
function service(options: { installed?: boolean; maxSeconds?: number; task?: Partial<TaskEntity>; saved?: null } = {}) {
  const config = loadConfig({
    MODELS_DIR: modelsDir,
    DIARIZATION_SEGMENTATION_MODEL: options.installed === false ? 'missing/seg.onnx' : 'diarization/seg.onnx',
    DIARIZATION_EMBEDDING_MODEL: 'diarization/emb.onnx',
    DIARIZATION_MAX_SECONDS: String(options.maxSeconds ?? 60),
  });
  const task = { id: ID, status: 'completed' as TaskStatus, result: diarized, decodeOptions: null, ...options.task };
  const repository = {
    create: vi.fn((fields: Partial<TaskEntity>) => Promise.resolve(fields as TaskEntity)),
    findById: vi.fn(() => Promise.resolve(task as TaskEntity)),
    saveResult: vi.fn((id: string, result: Transcript) =>
      Promise.resolve(options.saved === null ? null : ({ ...task, id, result } as TaskEntity)),
    ),
  };
  const monitor = { assertUp: vi.fn(), down: vi.fn(() => []) };
  // No processor announced: a task of the default model is accepted all the same.
  const models = new ServedModels({ liveModels: () => Promise.resolve([]) } as never, monitor as never, config);
  const media = { probe: vi.fn(() => Promise.resolve({ duration: 90 })) };
  const work = { enqueue: vi.fn(() => Promise.resolve()) };
  const creation = new CreateTask(
    repository as never,
    models,
    new TaskSources(media as never, config),
    work as never,
    config,
  );
  const renaming = new RenameSpeakers(new GetTask(repository as never), repository as never);
  const tasks = {
    create: async (taskMedia: TaskMedia, options: TaskOptionsDto, principal: undefined) =>
      (await creation.execute(CreateTaskCommand.create({ media: taskMedia, options, principal }))).task,
    renameSpeakers: (id: string, names: unknown, principal: undefined) =>
      renaming.execute(RenameSpeakersCommand.create({ id, names, principal })),
  };
  return { tasks, repository };
}

const upload = { file: { originalname: 'talk.wav', size: 1000, path: '/tmp/hark-upload' } as Express.Multer.File };

/** What `work` throws, as the api would answer it. */
async function refusal(work: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'expected a refusal').toBeDefined();
  const { body } = toErrorResponse(error, 0);
  return { status: body.statusCode, body: { ...body } };
}

describe('CreateTask: diarization options at creation', () => {
  it('num_speakers or diarization_threshold without diarize=true: 400 naming the fix', async () => {
    const { tasks } = service();
    const { status, body } = await refusal(
      tasks.create({ url: 'https://example.com/a.mp3' }, { num_speakers: 2, diarization_threshold: 0.4 }, undefined),
    );
    expect(status).toBe(400);
    expect(body.message).toMatch(/num_speakers only applies to speaker diarization: set diarize=true too/);
    expect(body.details).toEqual([
      { field: 'num_speakers', problems: [expect.stringContaining('set diarize=true')] },
      { field: 'diarization_threshold', problems: [expect.stringContaining('set diarize=true')] },
    ]);
    const off = await refusal(tasks.create(upload, { diarize: false, num_speakers: 2 }, undefined));
    expect(off.status).toBe(400);
  });

  it('num_speakers and diarization_threshold together: 400 (the threshold would be ignored)', async () => {
    const { tasks } = service();
    const { status, body } = await refusal(
      tasks.create(upload, { diarize: true, num_speakers: 2, diarization_threshold: 0.4 }, undefined),
    );
    expect(status).toBe(400);
    expect(body.details).toEqual([
      { field: 'diarization_threshold', problems: [expect.stringMatching(/not used when num_speakers is given/)] },
    ]);
  });

  it('diarize=true without the models: 422 naming the missing model and how to get it', async () => {
    const { tasks } = service({ installed: false });
    const { status, body } = await refusal(tasks.create(upload, { diarize: true }, undefined));
    expect(status).toBe(422);
    expect(body.message).toMatch(
      /diarize=true \(speaker diarization needs two models, and DIARIZATION_SEGMENTATION_MODEL \(missing\/seg\.onnx under MODELS_DIR\) is not installed; install them with `npm run models:download -- diarization`/,
    );
    expect(body.details).toEqual([{ field: 'diarize', problems: [expect.stringContaining('missing/seg.onnx')] }]);
  });

  it('an upload longer than DIARIZATION_MAX_SECONDS: 422 naming the limit; shorter ones and undiarized ones are created', async () => {
    const { tasks, repository } = service({ maxSeconds: 60 });
    const { status, body } = await refusal(tasks.create(upload, { diarize: true }, undefined));
    expect(status).toBe(422);
    expect(body.message).toMatch(/the file lasts 90\.0 s, longer than the 60 s .*\(DIARIZATION_MAX_SECONDS\)/);
    expect(body.details).toEqual([{ field: 'file', problems: [expect.stringContaining('DIARIZATION_MAX_SECONDS')] }]);
    expect(repository.create).not.toHaveBeenCalled();

    // Without diarize=true the length does not matter.
    await tasks.create(upload, {}, undefined);
    expect(repository.create).toHaveBeenCalledTimes(1);
    const { tasks: roomy, repository: stored } = service({ maxSeconds: 120 });
    await roomy.create(upload, { diarize: true, num_speakers: 3 }, undefined);
    expect(stored.create).toHaveBeenCalledWith(
      expect.objectContaining({
        duration: 90,
        decodeOptions: expect.objectContaining({ diarize: true, num_speakers: 3, diarization_threshold: 0.5 }),
      }),
    );
  });
});

describe('RenameSpeakers', () => {
  it('renames in the stored transcript, guarded by the transcript it was made from', async () => {
    const { tasks, repository } = service();
    const task = await tasks.renameSpeakers(ID, { SPEAKER_01: ' Bob ' }, undefined);
    expect(task.result?.speakers).toEqual([
      { speaker: 'SPEAKER_00', speaking_time: 1 },
      { speaker: 'Bob', speaking_time: 0.5 },
    ]);
    expect(repository.saveResult).toHaveBeenCalledWith(ID, task.result, diarized);
  });

  it('a body that is not an object of names, or names none: 400 with an example', async () => {
    const { tasks } = service();
    for (const body of [undefined, null, 'Alice', ['Alice']]) {
      const { status, body: answer } = await refusal(tasks.renameSpeakers(ID, body, undefined));
      expect(status).toBe(400);
      expect(answer.message).toMatch(/JSON object from speaker label to new name, e.g. \{"SPEAKER_00": "Alice"/);
    }
    const { status, body } = await refusal(tasks.renameSpeakers(ID, {}, undefined));
    expect(status).toBe(400);
    expect(body.message).toMatch(/names no speakers.*The speakers of task .* are SPEAKER_00, SPEAKER_01\./);
  });

  it("names renameSpeakers refuses: 400 with each label's problems", async () => {
    const { tasks, repository } = service();
    const { status, body } = await refusal(
      tasks.renameSpeakers(ID, { SPEAKER_07: 'Nobody', SPEAKER_00: '  ', SPEAKER_01: 'SPEAKER_00' }, undefined),
    );
    expect(status).toBe(400);
    expect(body.details).toEqual([
      {
        field: 'SPEAKER_07',
        problems: [expect.stringMatching(/unknown speaker "SPEAKER_07".*SPEAKER_00, SPEAKER_01/)],
      },
      { field: 'SPEAKER_00', problems: ['the new name of SPEAKER_00 must not be empty'] },
      { field: 'SPEAKER_01', problems: [expect.stringContaining('another speaker has that name')] },
    ]);
    expect(body.message).toMatch(/^The speakers cannot be renamed: unknown speaker "SPEAKER_07"/);
    expect(repository.saveResult).not.toHaveBeenCalled();
  });

  it('a task without speakers: 400 saying diarize=true is needed', async () => {
    const { tasks } = service({ task: { result: { ...diarized, speakers: undefined } } });
    const { status, body } = await refusal(tasks.renameSpeakers(ID, { SPEAKER_00: 'Alice' }, undefined));
    expect(status).toBe(400);
    expect(body.message).toMatch(/has no speakers: it was created without diarize=true/);
    expect(body.details).toEqual([{ field: 'diarize', problems: [expect.any(String)] }]);
  });

  it('a task that is not completed: 409 saying to wait (or to retry a failed one)', async () => {
    const processing = await refusal(
      service({ task: { status: 'processing', result: null } }).tasks.renameSpeakers(
        ID,
        { SPEAKER_00: 'A' },
        undefined,
      ),
    );
    expect(processing.status).toBe(409);
    expect(processing.body.message).toMatch(/is processing; speakers can be renamed once it is completed: wait until/);
    const failed = await refusal(
      service({ task: { status: 'failed', result: null } }).tasks.renameSpeakers(ID, { SPEAKER_00: 'A' }, undefined),
    );
    expect(failed.body.message).toMatch(/is failed; .*retry it/);
  });

  it('a rename that lost a race with another: 409 saying to send again', async () => {
    const { tasks } = service({ saved: null });
    const { status, body } = await refusal(tasks.renameSpeakers(ID, { SPEAKER_00: 'Alice' }, undefined));
    expect(status).toBe(409);
    expect(body.message).toMatch(/changed by another request meanwhile/);
  });
});

describe('GetTask and the commands', () => {
  it('a task no key may see: 404 task_not_found, the message as before', async () => {
    const getTask = new GetTask({ findById: () => Promise.resolve(null) } as never);
    const { status, body } = await refusal(getTask.execute(TaskCommand.create({ id: ID, principal: undefined })));
    expect(status).toBe(404);
    expect(body).toMatchObject({
      code: 'task_not_found',
      message: `No task with id ${ID}. Check the id returned by POST /api/v1/tasks.`,
    });
  });

  it('a command is checked when it is made: an id that is not a UUID is the caller’s bug', () => {
    expect(() => TaskCommand.create({ id: 'nope', principal: undefined })).toThrow(/Invalid TaskCommand: id/);
  });
});
