import { existsSync } from 'node:fs';
import { parse } from '@plussub/srt-vtt-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** An independent SubRip/WebVTT parser; times in ms. */
const parseSubtitles = (text: string): { entries: { from: number; to: number; text: string }[] } => parse(text);

describe('task management and subtitles', () => {
  let stack: TestStack;
  let processor: AppProcess;
  let jfk: any; // a completed jfk.wav task

  beforeAll(async () => {
    stack = await TestStack.create();
    await stack.startApi();
    processor = await stack.startProcessor();
    jfk = (
      await waitForTask(
        stack.baseUrl,
        (await upload(stack.baseUrl, audioPath('jfk.wav'), { priority: 'high' })).body.id,
      )
    ).task;
  });
  afterAll(() => stack?.destroy());

  const call = async (method: string, route: string) => {
    const response = await fetch(`${stack.baseUrl}${route}`, { method });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  /** Uploads the long file and waits until a processor is well into it. */
  async function processingTask(): Promise<any> {
    const { body } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    return waitFor(
      async () => {
        const { body: task } = await getJson(stack.baseUrl, `/api/v1/tasks/${body.id}`);
        expect(task.status).toMatch(/queued|processing/);
        return task;
      },
      {
        until: (task) => task.status === 'processing' && task.progress >= 5,
        what: `task ${body.id} processing, at 5 % or more`,
      },
    );
  }

  /**
   * Resolves once the processor is done with a cancelled task's job (BullMQ has it completed or
   * failed, not active, waiting or delayed): whatever the processor would still write for the task,
   * it has written by then. It must get there within STOP_WITHIN_MS, as a processor that stops
   * does (at the next chunk); the retry right after the cancellation needs the job inactive too.
   */
  const STOP_WITHIN_MS = 3000;
  const jobFinished = (id: string) =>
    waitFor(() => stack.jobStates('transcription', id), {
      until: (states) =>
        states.length > 0 &&
        states.every((state) => state === 'completed' || state === 'failed' || state === 'unknown'),
      what: `the processor to stop working on task ${id} (its job's states)`,
      timeoutMs: STOP_WITHIN_MS,
      intervalMs: 50,
    });

  it('lists tasks newest first with filters and paging', async () => {
    const zh = (
      await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'), { language: 'zh', priority: 'low', task: 'translate' })
    ).body;
    await waitForTask(stack.baseUrl, zh.id);
    const all = await getJson(stack.baseUrl, '/api/v1/tasks');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ limit: 20, offset: 0 });
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect(all.body.items[0].id).toBe(zh.id);
    const created = all.body.items.map((t: any) => Date.parse(t.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));

    for (const query of [
      'language=zh',
      'priority=low',
      'task=translate',
      'status=completed&language=zh',
      `created_after=${encodeURIComponent(zh.created_at)}`,
    ]) {
      const { body } = await getJson(stack.baseUrl, `/api/v1/tasks?${query}`);
      expect(
        body.items.map((t: any) => t.id),
        query,
      ).toEqual([zh.id]);
    }
    expect(
      (
        await getJson(stack.baseUrl, `/api/v1/tasks?created_before=${encodeURIComponent(zh.created_at)}&source=upload`)
      ).body.items.map((t: any) => t.id),
    ).toContain(jfk.id);
    const page = await getJson(stack.baseUrl, '/api/v1/tasks?limit=1&offset=1');
    expect(page.body).toMatchObject({ limit: 1, offset: 1, total: all.body.total });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].id).toBe(all.body.items[1].id);

    const bad = await getJson(stack.baseUrl, '/api/v1/tasks?limit=500&status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['limit', 'status']);
    expect(bad.body.message).toMatch(/limit must not be greater than 100/);
  });

  it('an offset or date Postgres cannot take is 400 naming the field and its limit, not 500', async () => {
    const offset = await getJson(stack.baseUrl, '/api/v1/tasks?offset=100000000000000000000');
    expect(offset.status).toBe(400);
    expect(offset.body.details).toEqual([
      { field: 'offset', problems: ['offset must be at most 1000000000 (past the last task the page is empty)'] },
    ]);
    const week = await getJson(stack.baseUrl, '/api/v1/tasks?created_after=2026W011');
    expect(week.status).toBe(400);
    expect(week.body.details[0].field).toBe('created_after');
    expect((await getJson(stack.baseUrl, '/api/v1/tasks?offset=1000000000')).body).toMatchObject({ items: [] });
  });

  it('subtitles: SubRip and WebVTT that a standard parser reads, with cue times matching the segments', async () => {
    for (const format of ['srt', 'vtt']) {
      const response = await fetch(`${stack.baseUrl}/api/v1/tasks/${jfk.id}/subtitles?format=${format}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(
        new RegExp(`^attachment; filename="?jfk\\.${format}"?$`),
      );
      const { entries } = parseSubtitles(await response.text());
      expect(entries.map((e) => [e.from / 1000, e.to / 1000, e.text])).toEqual(
        jfk.result.segments.map((s: any) => [s.start, s.end, s.text]),
      );
    }
  });

  it('subtitles: max_line_width and max_line_count break lines at words and split cues within the segment', async () => {
    const text = await (
      await fetch(`${stack.baseUrl}/api/v1/tasks/${jfk.id}/subtitles?format=srt&max_line_width=12&max_line_count=1`)
    ).text();
    const { entries } = parseSubtitles(text);
    expect(entries.length).toBeGreaterThan(jfk.result.segments.length);
    for (const entry of entries) {
      expect(entry.text.split('\n')).toHaveLength(1);
      const words = entry.text.split(' ');
      expect(entry.text.length <= 12 || words.length === 1).toBe(true);
      const segment = jfk.result.segments.find(
        (s: any) => entry.from / 1000 >= s.start - 0.001 && entry.to / 1000 <= s.end + 0.001,
      );
      expect(segment, `cue ${entry.from}–${entry.to} lies inside one segment`).toBeDefined();
    }
    expect(entries.map((e) => e.text).join(' ')).toBe(jfk.result.segments.map((s: any) => s.text).join(' '));
  });

  it('subtitles: txt, tsv and json; 409 until completed; 400 for bad options', async () => {
    const txt = await (await fetch(`${stack.baseUrl}/api/v1/tasks/${jfk.id}/subtitles?format=txt`)).text();
    expect(txt).toBe(jfk.result.segments.map((s: any) => `${s.text}\n`).join(''));
    const tsv = (await (await fetch(`${stack.baseUrl}/api/v1/tasks/${jfk.id}/subtitles?format=tsv`)).text())
      .trim()
      .split('\n');
    expect(tsv[0]).toBe('start\tend\ttext');
    expect(tsv[1]).toBe(
      `${Math.round(jfk.result.segments[0].start * 1000)}\t${Math.round(jfk.result.segments[0].end * 1000)}\t${jfk.result.segments[0].text}`,
    );
    const json = await getJson(stack.baseUrl, `/api/v1/tasks/${jfk.id}/subtitles?format=json`);
    expect(json.body.segments).toEqual(jfk.result.segments);

    const bad = await getJson(stack.baseUrl, `/api/v1/tasks/${jfk.id}/subtitles?format=ass&max_line_width=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['format', 'max_line_width']);

    const task = await processingTask();
    const early = await getJson(stack.baseUrl, `/api/v1/tasks/${task.id}/subtitles`);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/subtitles exist once it is completed/);
    await waitForTask(stack.baseUrl, task.id);
  });

  it('cancelling a processing task stops the processor, which writes nothing afterwards; retry runs it again', async () => {
    const task = await processingTask();
    const cancelled = await call('POST', `/api/v1/tasks/${task.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await processor.waitForLog(new RegExp(`Task ${task.id} cancelled; stopping`), 5000);
    const [before] = await stack.sql('SELECT status, progress, updated_at, result FROM tasks WHERE id = $1', [task.id]);
    await jobFinished(task.id);
    const [after] = await stack.sql('SELECT status, progress, updated_at, result FROM tasks WHERE id = $1', [task.id]);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'cancelled', result: null });
    expect(processor.log).not.toMatch(new RegExp(`Task ${task.id} completed`));
    // A processor that ignored the cancellation would have run to the end and had its result refused.
    expect(processor.log).not.toMatch(new RegExp(`Task ${task.id} changed while it was processed`));

    expect((await call('POST', `/api/v1/tasks/${task.id}/cancel`)).status).toBe(409);
    const retried = await call('POST', `/api/v1/tasks/${task.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'queued', progress: 0, error: null, result: null });
    const { task: done } = await waitForTask(stack.baseUrl, task.id);
    expect(done.status).toBe('completed');
    const [{ attempts }] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [task.id]);
    expect(attempts).toBe(2);
  });

  it('retry of a task that is not failed or cancelled → 409', async () => {
    const { status, body } = await call('POST', `/api/v1/tasks/${jfk.id}/retry`);
    expect(status).toBe(409);
    expect(body.message).toMatch(/is completed; only failed or cancelled tasks can be retried/);
  });

  it('deleting a processing task removes it and its media; the processor stops and writes nothing', async () => {
    const task = await processingTask();
    const [{ media_path }] = await stack.sql<{ media_path: string }>('SELECT media_path FROM tasks WHERE id = $1', [
      task.id,
    ]);
    expect(existsSync(media_path)).toBe(true);
    expect((await call('DELETE', `/api/v1/tasks/${task.id}`)).status).toBe(204);
    await processor.waitForLog(new RegExp(`Task ${task.id} cancelled; stopping`), 5000);
    await jobFinished(task.id);
    expect(await stack.sql('SELECT id FROM tasks WHERE id = $1', [task.id])).toEqual([]);
    expect(existsSync(media_path)).toBe(false);
    expect((await getJson(stack.baseUrl, `/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect(processor.log).not.toMatch(new RegExp(`Task ${task.id} completed`));
    expect((await call('DELETE', `/api/v1/tasks/${task.id}`)).status).toBe(404);
  });

  it('deleting a queued task takes its job off the queue', async () => {
    await processor.stop();
    const { body } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    expect((await call('DELETE', `/api/v1/tasks/${body.id}`)).status).toBe(204);
    const queued = await upload(stack.baseUrl, audioPath('jfk.wav'));
    processor = await stack.startProcessor();
    await waitForTask(stack.baseUrl, queued.body.id);
    expect(processor.log).not.toContain(body.id);
  });
});
