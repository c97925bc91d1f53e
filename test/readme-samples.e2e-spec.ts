import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { signCallback } from '@app/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformReplayServer } from '../libs/crawlers/src/__fixtures__/replay-server';
import { upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { TestStack } from './support/stack';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
/** Where the README's examples send their requests. */
const README_BASE = 'http://localhost:3000';

/** One fenced code block of the README: its language, its text and the heading it stands under. */
interface Sample {
  lang: string;
  code: string;
  section: string;
  line: number;
}

/** Every ```sh and ```js block of the README's API section (the quick start's are the scripts, tested on their own). */
function readmeSamples(readme: string): Sample[] {
  const api = readme.slice(readme.indexOf('\n## API'), readme.indexOf('\n## Configuration'));
  const offset = readme.slice(0, readme.indexOf('\n## API')).split('\n').length;
  const samples: Sample[] = [];
  let section = '';
  const lines = api.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,4} (.+)$/.exec(lines[i]);
    if (heading) section = heading[1];
    const fence = /^```(sh|js)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    samples.push({ lang: fence[1], code: lines.slice(i + 1, end).join('\n'), section, line: offset + i });
    i = end;
  }
  return samples;
}

/**
 * The README's examples, run as written against a running stack: each `curl` must succeed (2xx;
 * 409 where an example shows a move the task's status refuses), so a wrong route, field or value
 * in the README fails here, and the JavaScript samples must run and do what they say. The only
 * substitutions are what a reader substitutes: the base URL, their own media host
 * (`https://example.com`), and `$ID` (a completed task) and `$KEY` set in the environment.
 */
describe('every code sample in the README runs', () => {
  let stack: TestStack;
  let dir: string;
  const platforms = new PlatformReplayServer(audioPath('jfk.wav'));
  /** Stands in for the readers' own hosts: `https://example.com/talk.mp3` and callback receivers. */
  const elsewhere = new FixtureServer()
    .route('/talk.mp3', (_request, _body, response) =>
      response.writeHead(200, { 'content-type': 'audio/mpeg' }).end(readFileSync(audioPath('jfk.mp3'))),
    )
    .route('/hook', (_request, _body, response) => response.writeHead(204).end());
  const samples = readmeSamples(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  beforeAll(async () => {
    await platforms.start();
    await elsewhere.start();
    const base = platforms.baseUrl;
    stack = await TestStack.running({
      TIKTOK_BASE_URL: base,
      TIKTOK_SHORT_LINK_BASE_URL: base,
      DOUYIN_BASE_URL: base,
      DOUYIN_SHORT_LINK_BASE_URL: base,
      CALLBACK_SECRET: 'readme',
      ALLOWED_URL_HOSTS: '127.0.0.1',
    });
    // Inside the repository, so the samples' `import … from 'openai'` resolves as in a reader's project.
    dir = join(ROOT, 'test-results', 'readme-samples');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await copyFile(audioPath('jfk.mp3'), join(dir, 'talk.mp3'));
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=blue:s=160x120:r=10',
      '-i',
      audioPath('jfk.wav'),
      '-shortest',
      '-c:v',
      'libx264',
      '-c:a',
      'aac',
      join(dir, 'video.mp4'),
    ]);
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  });
  afterAll(async () => {
    await stack?.destroy();
    await platforms.stop();
    await elsewhere.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the samples', () => {
    expect(samples.filter((sample) => sample.lang === 'sh').length).toBeGreaterThanOrEqual(8);
    expect(samples.filter((sample) => sample.lang === 'js').length).toBeGreaterThanOrEqual(2);
  });

  it.each(
    samples
      .filter((sample) => sample.lang === 'sh')
      .map((sample) => [`${sample.section} (README line ${sample.line})`, sample] as const),
  )('shell sample: %s', async (_name, sample) => {
    // A fresh completed task for each block, as `$ID` in the README stands for one.
    const { body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    await waitForTask(stack.baseUrl, created.id);
    // curl prints the status of each request on its own line; every request must get an answer below 500.
    const script = `set -e\ncurl() { command curl -sS -o /dev/null -w 'HTTP %{http_code} %{url_effective}\\n' "$@"; }\n${sample.code.replaceAll(README_BASE, stack.baseUrl).replaceAll('https://example.com', elsewhere.baseUrl)}`;
    const { stdout } = await run('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, ID: created.id, KEY: '' },
    });
    const answers = [...stdout.matchAll(/^HTTP (\d{3}) (\S+)$/gm)].map(([, status, url]) => ({
      status: Number(status),
      url,
    }));
    expect(answers.length).toBeGreaterThan(0);
    // 2xx, or 409 where an example shows a move the task's status does not allow (cancel of a completed task).
    for (const answer of answers) {
      const acceptable = answer.status === 409 || (answer.status >= 200 && answer.status < 300);
      expect(acceptable, `HTTP ${answer.status} from ${answer.url}`).toBe(true);
    }
  });

  it('the OpenAI client sample prints the transcript', async () => {
    const sample = samples.find(
      (candidate) =>
        candidate.lang === 'js' && candidate.code.includes("from 'openai'") && !candidate.code.includes('stream'),
    );
    expect(sample).toBeDefined();
    await writeFile(join(dir, 'openai-sample.mjs'), sample!.code.replaceAll(README_BASE, stack.baseUrl));
    const { stdout } = await run(process.execPath, ['openai-sample.mjs'], { cwd: dir });
    // It prints what the api gives for the same file.
    const { body: created } = await upload(stack.baseUrl, join(dir, 'talk.mp3'));
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(stdout.trim()).toBe(task.result.text);
  });

  it('the OpenAI streaming sample prints the deltas as they come, then the length of the text', async () => {
    const sample = samples.find((candidate) => candidate.lang === 'js' && candidate.code.includes('stream: true'));
    expect(sample).toBeDefined();
    await writeFile(join(dir, 'openai-stream-sample.mjs'), sample!.code.replaceAll(README_BASE, stack.baseUrl));
    const { stdout } = await run(process.execPath, ['openai-stream-sample.mjs'], { cwd: dir });
    const { body: created } = await upload(stack.baseUrl, join(dir, 'talk.mp3'));
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(stdout).toBe(`${task.result.text}\n(${task.result.text.length} characters)\n`);
  });

  it('the callback verification sample verifies a signature Hark made', async () => {
    const sample = samples.find(
      (candidate) => candidate.lang === 'js' && candidate.code.includes('function verifyHark'),
    );
    expect(sample).toBeDefined();
    const verify = sample!.code.slice(sample!.code.indexOf('function verifyHark'), sample!.code.indexOf('\n}\n') + 2);
    const body = '{"id":"x","status":"completed"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'x-hark-timestamp': String(timestamp),
      'x-hark-signature': signCallback('s3cret', timestamp, body),
    };
    await writeFile(
      join(dir, 'verify-sample.mjs'),
      `import { createHmac, timingSafeEqual } from 'node:crypto';\n${verify}\nconsole.log(verifyHark(${JSON.stringify(body)}, ${JSON.stringify(headers)}, 's3cret'), verifyHark(${JSON.stringify(body + ' ')}, ${JSON.stringify(headers)}, 's3cret'));\n`,
    );
    const { stdout } = await run(process.execPath, ['verify-sample.mjs'], { cwd: dir });
    expect(stdout.trim()).toBe('true false');
  });
});
