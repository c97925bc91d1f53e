import { existsSync } from 'node:fs';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson, upload } from './support/api-client';
import { audioPath } from './support/env';
import { slowUpload } from './support/slow-upload';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

const HOUR_MS = 3_600_000;

/** Sets a file's modification time `ms` in the past, as if nothing had written to it since. */
async function age(path: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await utimes(path, then, then);
}

/** How many sweeps have removed something, from the api's log lines. */
const sweepsThatRemoved = (log: string) => (log.match(/Storage sweep removed/g) ?? []).length;

describe('orphan uploads are removed, files in use are kept', () => {
  const stacks: TestStack[] = [];
  afterAll(() => Promise.all(stacks.map((stack) => stack.destroy())));

  it('at api start: the partial upload of a killed api goes, a task’s upload and a file still being written stay', async () => {
    // Default STORAGE_SWEEP_INTERVAL_MS (10 min) and ORPHAN_UPLOAD_GRACE_MS (1 h): only the start sweep runs here.
    const stack = await TestStack.create();
    stacks.push(stack);
    const uploads = join(stack.env.STORAGE_DIR, 'uploads');
    const first = await stack.startApi();

    // A task (no processor: it stays queued) and its stored upload.
    const created = await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'));
    expect(created.status).toBe(201);
    const [{ media_path: referenced }] = await stack.sql<{ media_path: string }>(
      'SELECT media_path FROM tasks WHERE id = $1',
      [created.body.id],
    );
    expect(existsSync(referenced)).toBe(true);

    // An upload in progress when the api is killed leaves its partial file.
    const inFlight = slowUpload(stack.baseUrl, { fileBytes: 50 * 1024 * 1024 });
    const partial = await waitFor(
      async () => {
        for (const name of await stack.storedUploads()) {
          const path = join(uploads, name);
          if (path !== referenced && (await stat(path)).size > 0) return path;
        }
        return undefined;
      },
      { what: 'the partial file of the upload in progress' },
    );
    await first.stop('SIGKILL');
    expect((await inFlight.result).status).toBeUndefined(); // the connection died, no answer
    expect(existsSync(partial)).toBe(true);

    // Time passes: neither file has been written to for 2 h (over the 1 h grace).
    await age(partial, 2 * HOUR_MS);
    await age(referenced, 2 * HOUR_MS);
    // Another api node sharing STORAGE_DIR is writing an upload right now (no task yet).
    const beingWritten = join(uploads, 'another-node-writing-this');
    await writeFile(beingWritten, 'partial upload of another node');
    // A processor died while downloading a file_url: its partial download, stale too.
    await mkdir(join(stack.env.STORAGE_DIR, 'downloads'), { recursive: true });
    const download = join(stack.env.STORAGE_DIR, 'downloads', '6f1d1d5e-0000-4000-8000-000000000001');
    await writeFile(download, 'partial download');
    await age(download, 2 * HOUR_MS);

    const second = await stack.startApi();
    await second.waitForLog(/Storage sweep removed 2 orphan file/);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(download)).toBe(false);
    expect(existsSync(referenced)).toBe(true);
    expect(existsSync(beingWritten)).toBe(true);
    expect(second.log).toContain(`Removed orphan file ${partial}`);
    // The task is untouched.
    const task = await getJson(stack.baseUrl, `/api/v1/tasks/${created.body.id}`);
    expect(task.body).toMatchObject({ status: 'queued', media_removed_at: null });
  });

  it('periodically (STORAGE_SWEEP_INTERVAL_MS), not only at start', async () => {
    const stack = await TestStack.create({ STORAGE_SWEEP_INTERVAL_MS: '1000' });
    stacks.push(stack);
    const uploads = join(stack.env.STORAGE_DIR, 'uploads');
    const api = await stack.startApi();
    const fresh = join(uploads, 'still-being-written');
    await writeFile(fresh, 'x');

    // Two orphans, the second written only after the first is gone: no single sweep removes both,
    // so at least one of them is removed by a periodic sweep (the start sweep is one sweep).
    for (const name of ['orphan-one', 'orphan-two']) {
      const orphan = join(uploads, name);
      await writeFile(orphan, 'left behind');
      await age(orphan, 2 * HOUR_MS);
      await waitFor(() => !existsSync(orphan), { what: `${basename(orphan)} to be removed`, timeoutMs: 15_000 });
    }
    await waitFor(() => sweepsThatRemoved(api.log) >= 2, { what: 'two sweeps that removed a file in the log' });
    expect(existsSync(fresh)).toBe(true); // touched moments ago: kept by every sweep
  });
});
