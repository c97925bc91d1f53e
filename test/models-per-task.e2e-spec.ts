import { randomUUID } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** The default model of this stack (ASR_MODEL): always says "This is a dummy whisper model for testing." */
const DUMMY = 'dummy-testonly';
/** Served by its own processor, on demand: one segment " Segment one." … per full 2 s of a window, and word times. */
const TIMESTAMPS = 'timestamps-testonly';
/** Whether every segment is DUMMY's fixed sentence (it has no timestamp tokens: one segment per speech region). */
const dummySentencesOnly = (segments: { text: string }[]) =>
  segments.length > 0 && segments.every((segment) => segment.text === 'This is a dummy whisper model for testing.');
/** What TIMESTAMPS makes of jfk.wav. */
const TIMESTAMPS_SEGMENTS = ['Segment one.', 'Segment two.', 'Segment three.', 'Segment four.'];
/** Installed in MODELS_DIR, but no processor of this stack serves it. */
const NOT_SERVED = 'tiny-shaped-testonly';
/** Seconds the TIMESTAMPS processor keeps its model without a job (MODEL_IDLE_TIMEOUT). */
const IDLE_SECONDS = 3;

/**
 * Models per task: a task names its model (`model`), its job goes to that model's queue, and only a
 * processor serving the model takes it. Two processors, one per model; the second loads its model
 * on demand and unloads it when idle.
 */
describe('models per task', () => {
  let stack: TestStack;
  let dummyProcessor: AppProcess;
  let timestampsProcessor: AppProcess;

  /** The live models as `GET /api/v1/engine` lists them, by name. */
  const liveModels = async (): Promise<
    Record<string, { processors: number; loaded: boolean; word_timestamps: boolean; devices: string[] }>
  > => {
    const { body } = await getJson(stack.baseUrl, '/api/v1/engine');
    return Object.fromEntries(body.live_models.map(({ name, ...rest }: { name: string }) => [name, rest]));
  };

  const create = (fields: Record<string, string>) => upload(stack.baseUrl, audioPath('jfk.wav'), fields);

  const transcribe = async (fields: Record<string, string>) => {
    const created = await create(fields);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status, task.error).toBe('completed');
    return task;
  };

  beforeAll(async () => {
    stack = await TestStack.create({ ASR_MODEL: DUMMY, ASR_POOL_SIZE: '1', RECONCILE_INTERVAL_MS: '1000' });
    await stack.startApi();
    dummyProcessor = await stack.startProcessor({ ASR_MODELS: DUMMY });
    timestampsProcessor = await stack.startProcessor({
      ASR_MODELS: TIMESTAMPS,
      MODEL_IDLE_TIMEOUT: String(IDLE_SECONDS),
    });
  });
  afterAll(() => stack?.destroy());

  it('GET /api/v1/engine and /v1/models list the models the running processors serve', async () => {
    expect(await liveModels()).toEqual({
      [DUMMY]: { processors: 1, loaded: true, word_timestamps: false, devices: ['cpu'] },
      // Loaded on demand (MODEL_IDLE_TIMEOUT): not before its first task.
      [TIMESTAMPS]: { processors: 1, loaded: false, word_timestamps: true, devices: ['cpu'] },
    });
    const { body: engine } = await getJson(stack.baseUrl, '/api/v1/engine');
    expect(engine.active_model).toBe(DUMMY);
    const { body: models } = await getJson(stack.baseUrl, '/v1/models');
    expect(models.data.map((model: { id: string }) => model.id)).toEqual(['whisper-1', DUMMY, TIMESTAMPS]);
    expect(timestampsProcessor.log).toMatch(new RegExp(`${TIMESTAMPS} \\(loaded on demand\\)`));
  });

  it("routes each task to a processor serving its model; the result is that model's", async () => {
    const [timed, byDefault, named] = await Promise.all([
      transcribe({ model: TIMESTAMPS, word_timestamps: 'true' }),
      transcribe({}),
      transcribe({ model: DUMMY }),
    ]);
    expect([timed.model, byDefault.model, named.model]).toEqual([TIMESTAMPS, DUMMY, DUMMY]);
    // timestamps-testonly: the packed speech of jfk.wav (about 8 s, padded) in 2 s segments, with words.
    expect(timed.result.segments.map((segment: { text: string }) => segment.text)).toEqual(TIMESTAMPS_SEGMENTS);
    expect(timed.result.segments.every((segment: { words?: unknown[] }) => segment.words?.length)).toBe(true);
    expect(timed.engine).toContain(`whisper-${TIMESTAMPS}`);
    for (const task of [byDefault, named]) {
      expect(dummySentencesOnly(task.result.segments)).toBe(true);
      expect(task.engine).toContain(`whisper-${DUMMY}`);
    }
    // Each ran on the processor serving its model, and nowhere else.
    expect(timestampsProcessor.log).toContain(`Task ${timed.id} completed`);
    expect(dummyProcessor.log).not.toContain(timed.id);
    for (const task of [byDefault, named]) {
      expect(dummyProcessor.log).toContain(`Task ${task.id} completed`);
      expect(timestampsProcessor.log).not.toContain(task.id);
    }
    // Through the queue of its model (`transcription-<model>`).
    expect(await stack.jobStates('transcription', timed.id)).toEqual(['completed']);
    expect(await stack.jobStates('transcription', byDefault.id)).toEqual(['completed']);
  });

  it('refuses a model no running processor serves with 422 listing the models served; word times follow the model', async () => {
    const storedBefore = await stack.storedUploads();
    for (const model of ['large-v9', NOT_SERVED]) {
      const { status, body } = await create({ model });
      expect(status, JSON.stringify(body)).toBe(422);
      expect(body.message).toContain(`No running processor serves the model '${model}'`);
      expect(body.message).toContain(`Models served now: ${DUMMY}, ${TIMESTAMPS}`);
      expect(body.details).toEqual([
        { field: 'model', problems: [expect.stringContaining(`${DUMMY}, ${TIMESTAMPS}`)] },
      ]);
    }
    expect(await stack.storedUploads()).toEqual(storedBefore); // a refused upload is not kept
    // The default model's decoder has no cross-attention outputs: word times are refused for it alone.
    const words = await create({ word_timestamps: 'true' });
    expect(words.status).toBe(422);
    expect(words.body.details.map((detail: { field: string }) => detail.field)).toEqual(['word_timestamps']);
    const badName = await create({ model: 'large:v3' });
    expect(badName.status).toBe(400);
    expect(badName.body.details[0].field).toBe('model');

    // OpenAI: a model not known at all is its 404; a known one that is not served, 422; a served one works.
    const openai = (model: string) =>
      upload(stack.baseUrl, audioPath('jfk.wav'), { model }, '/v1/audio/transcriptions');
    const unknown = await openai('large-v9');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      message: `The model 'large-v9' does not exist. Available: whisper-1, ${DUMMY}, ${TIMESTAMPS}.`,
    });
    const notServed = await openai(NOT_SERVED);
    expect(notServed.status).toBe(422);
    expect(notServed.body.error.message).toContain(`Models served now: ${DUMMY}, ${TIMESTAMPS}`);
    const served = await openai(TIMESTAMPS);
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.text).toBe(TIMESTAMPS_SEGMENTS.join(' '));
    const whisper1 = await openai('whisper-1');
    expect(whisper1.body.text).toMatch(/^This is a dummy whisper model for testing\./);
    expect(whisper1.body.text).not.toContain('Segment');
  });

  it('unloads a model left idle for MODEL_IDLE_TIMEOUT and loads it again for the next task', async () => {
    const loads = () => timestampsProcessor.log.match(new RegExp(`Model ${TIMESTAMPS} loaded in`, 'g'))?.length ?? 0;
    await timestampsProcessor.waitForLog(new RegExp(`Model ${TIMESTAMPS} unloaded after [\\d.]+ s without a job`));
    await waitFor(async () => (await liveModels())[TIMESTAMPS].loaded === false, {
      what: `${TIMESTAMPS} to show loaded: false`,
    });
    const loadsBefore = loads();
    const task = await transcribe({ model: TIMESTAMPS });
    expect(task.result.segments).toHaveLength(TIMESTAMPS_SEGMENTS.length);
    expect(loads()).toBe(loadsBefore + 1);
    // Kept loaded for IDLE_SECONDS after the task.
    expect((await liveModels())[TIMESTAMPS]).toMatchObject({ loaded: true, processors: 1 });
  });

  it('re-enqueues a task that Redis lost into the queue of its model (the reconciler)', async () => {
    // A queued task in Postgres without a job, as after a Redis flush: the reconciler of either processor enqueues it.
    const id = randomUUID();
    const mediaPath = join(stack.env.STORAGE_DIR, 'uploads', id);
    await mkdir(join(stack.env.STORAGE_DIR, 'uploads'), { recursive: true });
    await copyFile(audioPath('jfk.wav'), mediaPath);
    await stack.sql(
      `INSERT INTO tasks (id, status, task, model, priority, source, file_name, media_path, duration, updated_at)
       VALUES ($1, 'queued', 'transcribe', $2, 'normal', 'upload', 'jfk.wav', $3, 11, now() - interval '1 minute')`,
      [id, TIMESTAMPS, mediaPath],
    );
    const { task } = await waitForTask(stack.baseUrl, id);
    expect(task).toMatchObject({ status: 'completed', model: TIMESTAMPS });
    expect(task.result.segments.map((segment: { text: string }) => segment.text)).toEqual(TIMESTAMPS_SEGMENTS);
    expect(timestampsProcessor.log).toContain(`Task ${id} completed`);
    expect(await stack.jobStates('transcription', id)).toEqual(['completed']);
  });

  it('accepts tasks of the default model while no processor serves it; they wait in its queue', async () => {
    await dummyProcessor.stop(); // a clean shutdown withdraws it from the registry at once
    await waitFor(async () => !(DUMMY in (await liveModels())), { what: `${DUMMY} to leave the registry` });
    const left = await create({});
    const named = await create({ model: DUMMY });
    expect([left.status, named.status]).toEqual([201, 201]);
    expect(['prioritized', 'waiting']).toContain((await stack.jobStates('transcription', left.body.id))[0]);
    // Another model is refused meanwhile, since no one serves it.
    expect((await create({ model: NOT_SERVED })).status).toBe(422);
    dummyProcessor = await stack.startProcessor({ ASR_MODELS: DUMMY });
    for (const id of [left.body.id, named.body.id]) {
      const { task } = await waitForTask(stack.baseUrl, id);
      expect(task).toMatchObject({ status: 'completed', model: DUMMY });
    }
  });
});
