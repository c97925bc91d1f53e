import { mkdirSync, openAsBlob, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '@plussub/srt-vtt-parser';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, upload, waitForTask } from './support/api-client';
import { launchChromium } from './support/browser';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/**
 * The web page at `/` (apps/web, built into dist/web by `npm run build`) in Debian's Chromium:
 * upload with live progress, the transcript with its player, downloads, the task list, API keys,
 * Chinese, and a phone-sized screen. The `timestamps-testonly` double gives one segment per 2 s of
 * speech (" Segment one." …) and word times; the diarization doubles give speakers. The last test
 * adds a processor serving `dummy-testonly` (a fixed sentence, no word times), a second model to choose.
 */
const MODEL = 'timestamps-testonly';
/** A second model, served by a processor of its own in the last test of the first stack. */
const DUMMY = 'dummy-testonly';
const DUMMY_SENTENCE = 'This is a dummy whisper model for testing.';
const DIARIZATION_DOUBLES = {
  DIARIZATION_SEGMENTATION_MODEL: 'sherpa-onnx-pyannote-segmentation-testonly/model.onnx',
  DIARIZATION_EMBEDDING_MODEL: 'speaker-embedding-testonly/speaker-embedding-testonly.onnx',
};
const SCREENSHOTS = resolve(__dirname, '../test-results');

/** Chromium for these tests: the player may start without a click (the tests play media). */
const launchBrowser = () => launchChromium(['--autoplay-policy=no-user-gesture-required']);

/**
 * Opens pages on one stack and records, for each, every request and every script error or CSP
 * violation, so that `checkPages()` can assert the page spoke only to Hark and broke no rule.
 */
class Pages {
  /** Every URL the pages requested. */
  readonly requests: string[] = [];
  private readonly problems: string[] = [];
  private readonly open: Page[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  async page(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
      ...options,
    });
    const page = await context.newPage();
    page.on('request', (request) => this.requests.push(request.url()));
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) this.problems.push(message.text());
    });
    this.open.push(page);
    return page;
  }

  /** Every request went to the stack (or a blob: URL the page made), with no script error or CSP violation. */
  check(): void {
    const elsewhere = this.requests.filter(
      (url) => !url.startsWith(`${this.baseUrl}/`) && !url.startsWith(`blob:${this.baseUrl}/`),
    );
    expect(elsewhere, 'requests to other hosts').toEqual([]);
    expect(this.problems, 'script errors and CSP violations').toEqual([]);
    if (this.open.length) expect(this.requests.length).toBeGreaterThan(0);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((page) => page.context().close()));
    this.requests.length = 0;
    this.problems.length = 0;
  }
}

/**
 * Registers a describe block's clean-up: after each test its pages are checked (`Pages.check`) and
 * closed; after the last, the browser and the stack go. `get` reads the block's variables when the
 * hooks run (they are assigned in its beforeAll).
 */
function closeAfter(get: () => { pages: Pages; browser?: Browser; stack?: TestStack }): void {
  afterEach(async () => {
    const { pages } = get();
    try {
      pages.check();
    } finally {
      await pages.closeAll();
    }
  });
  afterAll(async () => {
    const { browser, stack } = get();
    await browser?.close();
    await stack?.destroy();
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `web-${name}.png`), fullPage: true });
}

/** The segment texts the page lists in its transcript. */
async function shownSegments(page: Page): Promise<string[]> {
  return (await page.locator('.transcript .segment .segment-text').allInnerTexts()).map((text) => text.trim());
}

/**
 * Evaluates a JavaScript expression in the page. Strings rather than functions: the tests are
 * compiled without the DOM's types (tsconfig.json is Node's), so `document` is not declared here.
 */
function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Waits until the page's player has loaded the media's metadata (it can then seek). */
async function playerReady(page: Page): Promise<void> {
  // Polled from here: waitForFunction would evaluate a string in the page, which its CSP forbids.
  await waitFor(() => inPage<boolean>(page, "(document.querySelector('.player')?.readyState ?? 0) >= 1"), {
    what: 'the player to load the media',
    timeoutMs: 20_000,
  });
}

const playerTime = (page: Page) => inPage<number>(page, "document.querySelector('.player').currentTime");

describe('web page', () => {
  let stack: TestStack;
  let browser: Browser;
  let pages: Pages;
  /** The task the first test creates through the page (jfk.wav, word timestamps). */
  let taskId: string;
  let task: any;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      TestStack.running({ ASR_MODEL: MODEL, ...DIARIZATION_DOUBLES }),
      launchBrowser(),
    ]);
    pages = new Pages(browser, stack.baseUrl);
  });
  closeAfter(() => ({ pages, browser, stack }));

  it('is served at / with its assets, from Hark only', async () => {
    const index = await fetch(`${stack.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script (the CSP allows none)
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, asset]) => asset);
    expect(assets.length, 'assets in index.html').toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset, 'assets are local').toMatch(/^\/assets\//);
      expect((await fetch(`${stack.baseUrl}${asset}`)).status, asset).toBe(200);
    }
  });

  it('uploads a file, follows its progress live to 100 % and shows the segments', async () => {
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('heading', { name: 'New transcription' }).waitFor();
    // The engine offers word timestamps and speakers with this model and the diarization doubles.
    await page.getByLabel('Word timestamps').check();
    // One model served: nothing to choose.
    expect(await page.getByLabel('Model', { exact: true }).count()).toBe(0);
    await page.getByLabel('Language', { exact: true }).fill('English'); // a name from the list → its code
    await expect(page.getByLabel('Identify speakers').isVisible()).resolves.toBe(true);
    await page.locator('#file').setInputFiles(audioPath('jfk.wav'));
    await page.getByText('jfk.wav').waitFor();
    await screenshot(page, 'new-desktop');
    // Upload at 200 KB/s (Chromium's network emulation), so that the upload bar shows its way up.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 200 * 1024,
    });
    await page.getByRole('button', { name: 'Transcribe' }).click();
    const uploaded: number[] = [];
    await waitFor(
      async () => {
        if (/#\/tasks\//.test(page.url())) return true;
        const value = await page
          .locator('#upload-progress')
          .getAttribute('aria-valuenow', { timeout: 200 })
          .catch(() => null);
        if (value !== null && uploaded.at(-1) !== Number(value)) uploaded.push(Number(value));
        return false;
      },
      { what: () => `the upload to end (upload bar: ${uploaded.join(', ')})`, timeoutMs: 30_000, intervalMs: 20 },
    );
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    expect(
      uploaded.some((value) => value > 0 && value < 100),
      `upload bar: ${uploaded.join(', ')}`,
    ).toBe(true);
    expect(uploaded).toEqual([...uploaded].sort((a, b) => a - b));

    await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
    taskId = /#\/tasks\/(.+)$/.exec(page.url())![1];
    // Follow the task's progress bar: it moves with the `progress` events to 100.
    const seen: number[] = [];
    await waitFor(
      async () => {
        const value = await page.locator('#task-progress').getAttribute('aria-valuenow', { timeout: 1000 });
        if (value !== null && seen.at(-1) !== Number(value)) seen.push(Number(value));
        return seen.at(-1) === 100;
      },
      { what: () => `the progress bar to reach 100 (seen: ${seen.join(', ')})`, timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never backwards
    await page.getByRole('status').filter({ hasText: 'Completed' }).waitFor();
    // Updates came from the event stream (the page never polls a running task).
    expect(pages.requests.some((url) => url.endsWith(`/api/v1/tasks/${taskId}/events`))).toBe(true);

    task = (await getJson(stack.baseUrl, `/api/v1/tasks/${taskId}`)).body;
    expect(task.status).toBe('completed');
    expect(task.decode_options.word_timestamps).toBe(true);
    expect(task.language_requested).toBe('en');
    expect(task.result.segments.length).toBeGreaterThan(1);
    await page.locator('.transcript .segment').first().waitFor();
    expect(await shownSegments(page)).toEqual(task.result.segments.map((segment: any) => segment.text.trim()));
    expect(await shownSegments(page)).toContain('Segment one.');
    expect(task.model).toBe(MODEL);
    expect(await page.locator('.facts').innerText()).toContain(`Model ${MODEL}`);
    await screenshot(page, 'task-desktop');
  });

  it('plays the media in the page; clicking a segment (or Enter on it) moves the player to its start', async () => {
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
    await playerReady(page);
    const segments = page.locator('.transcript button.segment');
    expect(await segments.count()).toBe(task.result.segments.length);

    const second = task.result.segments[1];
    await segments.nth(1).click();
    expect(await playerTime(page)).toBeCloseTo(second.start, 3);
    // The page marks the current segment on the player's next timeupdate: wait for it, not for an idle machine.
    await waitFor(async () => (await segments.nth(1).getAttribute('aria-current')) === 'true', {
      what: 'the clicked segment to be marked current',
      timeoutMs: 10_000,
    });
    // At a time inside a word (the longest: the double's words may last 0 s), that word is highlighted.
    const [index, word] = task.result.segments
      .flatMap((segment: any, i: number) => segment.words.map((word: any) => [i, word]))
      .sort(([, a]: any[], [, b]: any[]) => b.end - b.start - (a.end - a.start))[0];
    await inPage(page, `document.querySelector('.player').currentTime = ${(word.start + word.end) / 2}`);
    await segments.nth(index).locator('.word.current').filter({ hasText: word.word }).waitFor();
    expect(await page.locator('.word.current').count()).toBe(1);

    const third = task.result.segments[2];
    await segments.nth(2).focus();
    await page.keyboard.press('Enter');
    expect(await playerTime(page)).toBeCloseTo(third.start, 3);
    await screenshot(page, 'player');
  });

  it('downloads the SRT with the line options, as the API renders it', async () => {
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
    await page.getByLabel('Format').selectOption('srt');
    await page.getByLabel('Characters per line').fill('8');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download SRT' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('jfk.srt');
    const srt = readFileSync(await download.path(), 'utf8');
    const { entries } = parse(srt);
    expect(entries.length).toBeGreaterThanOrEqual(task.result.segments.length);
    expect(entries[0].from).toBe(Math.round(task.result.segments[0].start * 1000));
    for (const entry of entries) for (const line of entry.text.split('\n')) expect(line.length).toBeLessThanOrEqual(8);
    const api = await fetch(`${stack.baseUrl}/api/v1/tasks/${taskId}/subtitles?format=srt&max_line_width=8`);
    expect(srt).toBe(await api.text());
  });

  it('searches the transcript and renames speakers', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), { diarize: 'true', num_speakers: '1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { task: diarized } = await waitForTask(stack.baseUrl, created.body.id);
    expect(diarized.status).toBe('completed');
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks/${diarized.id}`);

    await page.getByLabel('Search the transcript').fill('two');
    await page.getByText(`1 of ${diarized.result.segments.length} segments match`).waitFor();
    expect(await page.locator('.transcript mark').allInnerTexts()).toEqual(['two']);
    await page.getByLabel('Search the transcript').fill('');

    await expect(page.locator('.transcript .speaker').first().innerText()).resolves.toBe('SPEAKER_00');
    await page.getByLabel(/SPEAKER_00/).fill('Alice');
    await page.getByRole('button', { name: 'Save names' }).click();
    await page.getByText('Names saved.').waitFor();
    expect(new Set(await page.locator('.transcript .speaker').allInnerTexts())).toEqual(new Set(['Alice']));
    const renamed = (await getJson(stack.baseUrl, `/api/v1/tasks/${diarized.id}`)).body;
    expect(renamed.result.speakers.map((speaker: any) => speaker.speaker)).toEqual(['Alice']);
    await screenshot(page, 'speakers');
  });

  it('lists the recent tasks with their status and filters; delete asks once more', async () => {
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks`);
    const row = (id: string) => page.locator('.task-row', { has: page.locator(`a[href="#/tasks/${id}"]`) });
    await row(taskId).waitFor();
    await expect(row(taskId).locator('.badge').innerText()).resolves.toBe('Completed');
    await expect(page.locator('.task-row').count()).resolves.toBe(2);
    await page.getByText('1–2 of 2').waitFor();

    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No tasks yet.').waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await row(taskId).waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Task', { exact: true }).selectOption('translate');
    await page.getByText('No tasks yet.').waitFor();
    await page.getByLabel('Task', { exact: true }).selectOption('');

    // The speakers test's task goes; the first one stays.
    const other = page.locator('.task-row').filter({ hasNot: page.locator(`a[href="#/tasks/${taskId}"]`) });
    const otherId = (await other.locator('a.task-link').getAttribute('href'))!.split('/').pop()!;
    await other.getByRole('button', { name: 'Delete: jfk.wav' }).click();
    await other.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText('1–1 of 1').waitFor();
    expect((await getJson(stack.baseUrl, `/api/v1/tasks/${otherId}`)).status).toBe(404);
    await screenshot(page, 'tasks-desktop');
  });

  it("shows the API's message when it refuses a request, and checks the language before sending", async () => {
    const text = 'just some words, no link in them';
    const refused = await postJson(stack.baseUrl, '/api/v1/tasks', { url: text });
    expect(refused.status).toBe(400);
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('Media URL, TikTok / Douyin link, or share text').fill(text);
    await page.getByLabel('Language', { exact: true }).fill('Klingon');
    await page.getByRole('button', { name: 'Transcribe' }).click();
    await page.getByText('“Klingon” is not a language the engine knows.', { exact: false }).waitFor();
    expect(pages.requests.filter((url) => url.endsWith('/api/v1/tasks'))).toEqual([]);

    await page.getByLabel('Language', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Transcribe' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe(refused.body.message);
  });

  it('speaks Chinese to a zh-CN browser', async () => {
    const page = await pages.page({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('heading', { name: '新建转写' }).waitFor();
    expect(await inPage(page, 'document.documentElement.lang')).toBe('zh-CN');
    await expect(page.getByRole('button', { name: '开始转写' }).isVisible()).resolves.toBe(true);
    const text = await page.locator('body').innerText();
    for (const english of ['Transcribe', 'Options', 'Language', 'Priority', 'Tasks'])
      expect(text).not.toContain(english);
    await screenshot(page, 'new-zh');

    await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
    await page.getByRole('heading', { name: '转写结果' }).waitFor();
    await page.getByText('已完成').first().waitFor();
    await expect(page.getByRole('button', { name: '下载 SRT' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(/Transcript|Download|Completed/);
  });

  it('holds at phone width (390×844): one column, no horizontal scroll, the main controls visible', async () => {
    const width = 390;
    const page = await pages.page({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true });
    // Against the fixed width, not window.innerWidth: a mobile browser zoomed out to fit a too-wide page widens that too.
    const noHorizontalScroll = async (view: string) =>
      expect(
        await inPage<number>(page, 'document.documentElement.scrollWidth'),
        `no horizontal scroll on ${view}`,
      ).toBeLessThanOrEqual(width);
    const inView = async (locator: ReturnType<Page['locator']>, what: string) => {
      await locator.scrollIntoViewIfNeeded();
      const box = await locator.boundingBox();
      expect(box, what).not.toBeNull();
      expect(box!.x, what).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, what).toBeLessThanOrEqual(width);
    };

    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('heading', { name: 'New transcription' }).waitFor();
    await noHorizontalScroll('the new-task view');
    await inView(page.locator('label.drop'), 'the file drop');
    await inView(page.getByLabel('Media URL, TikTok / Douyin link, or share text'), 'the link field');
    await inView(page.getByLabel('Language'), 'the language field');
    await inView(page.getByRole('button', { name: 'Transcribe' }), 'the transcribe button');
    await inPage(page, 'window.scrollTo(0, 0)');
    await screenshot(page, 'new-phone');

    await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
    await page.locator('.transcript .segment').first().waitFor();
    await noHorizontalScroll('the task view');
    await inView(page.locator('.player'), 'the player');
    await inView(page.locator('.transcript button.segment').first(), 'a segment');
    await inView(page.getByRole('button', { name: 'Download SRT' }), 'the download button');
    await inPage(page, 'window.scrollTo(0, 0)');
    await screenshot(page, 'task-phone');

    await page.goto(`${stack.baseUrl}/#/tasks`);
    await page.locator('.task-row').first().waitFor();
    await noHorizontalScroll('the task list');
    await inView(page.locator('.task-row').first(), 'a task');
    await screenshot(page, 'tasks-phone');
  });

  it('offers a Model select once processors serve two models; the chosen model transcribes the task', async () => {
    await stack.startProcessor({ ASR_MODELS: DUMMY });
    await waitFor(async () => (await getJson(stack.baseUrl, '/api/v1/engine')).body.live_models?.length === 2, {
      what: 'GET /api/v1/engine to list two live models',
    });
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/`);
    const select = page.getByLabel('Model', { exact: true });
    await select.waitFor();
    // The default model first, labelled so, and chosen (it is sent as nothing).
    expect(await select.locator('option').allInnerTexts()).toEqual([`${MODEL} (default)`, DUMMY]);
    await expect(select.inputValue()).resolves.toBe('');
    // Word timestamps follow the chosen model: the default has them, the dummy does not.
    await page.getByLabel('Word timestamps').check();
    await select.selectOption(DUMMY);
    await page.getByLabel('Word timestamps').waitFor({ state: 'detached' });
    await select.selectOption('');
    await expect(page.getByLabel('Word timestamps').isChecked()).resolves.toBe(true);
    await select.selectOption(DUMMY);
    await page.locator('#file').setInputFiles(audioPath('jfk.wav'));
    await page.getByText('jfk.wav').waitFor();
    await screenshot(page, 'new-models');
    await page.getByRole('button', { name: 'Transcribe' }).click();
    await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
    const id = /#\/tasks\/(.+)$/.exec(page.url())![1];
    const { task: chosen } = await waitForTask(stack.baseUrl, id);
    expect(chosen.status, chosen.error).toBe('completed');
    expect(chosen.model).toBe(DUMMY);
    expect(chosen.decode_options.word_timestamps).toBe(false); // hidden with the dummy, so not sent
    const texts = chosen.result.segments.map((segment: any) => segment.text.trim());
    expect(texts.length).toBeGreaterThan(0);
    expect(new Set(texts)).toEqual(new Set([DUMMY_SENTENCE]));
    await page.locator('.transcript .segment').first().waitFor();
    expect(await shownSegments(page)).toEqual(texts);
    expect(await page.locator('.facts').innerText()).toContain(`Model ${DUMMY}`);

    // In Chinese too.
    const zh = await pages.page({ locale: 'zh-CN' });
    await zh.goto(`${stack.baseUrl}/`);
    const zhSelect = zh.getByLabel('模型', { exact: true });
    await zhSelect.waitFor();
    expect(await zhSelect.locator('option').allInnerTexts()).toEqual([`${MODEL}（默认）`, DUMMY]);
  });
});

describe('web page with API keys', () => {
  const SECRETS = { alice: 'web-alice-secret-1', bob: 'web-bob-secret-2' };
  let stack: TestStack;
  let browser: Browser;
  let pages: Pages;
  let aliceTask: string;

  /** Uploads jfk.wav (under another name) as a key's task; it stays queued (this stack has no processor). */
  const uploadAs = async (secret: string, name: string) => {
    const form = new FormData();
    form.append('file', await openAsBlob(audioPath('jfk.wav')), name);
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  };

  /** GETs an API route with a key; the JSON body (an error body's `statusCode` tells a failure). */
  const getAs = async (secret: string, route: string): Promise<any> =>
    (await fetch(`${stack.baseUrl}${route}`, { headers: { authorization: `Bearer ${secret}` } })).json();

  beforeAll(async () => {
    stack = await TestStack.create({ API_KEYS: `alice:${SECRETS.alice},bob:${SECRETS.bob}` });
    [, browser] = await Promise.all([stack.startApi(), launchBrowser()]);
    pages = new Pages(browser, stack.baseUrl);
    aliceTask = (await uploadAs(SECRETS.alice, 'alice-talk.wav')).id;
    await uploadAs(SECRETS.bob, 'bob-talk.wav');
  });
  closeAfter(() => ({ pages, browser, stack }));

  it('asks for a key, refuses a wrong one, then shows that key’s tasks; the key can be forgotten', async () => {
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks`);
    await page.getByRole('heading', { name: 'API key required' }).waitFor();
    await screenshot(page, 'key-prompt');

    await page.getByLabel('API key', { exact: true }).fill('not-a-key');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/The key was refused/).waitFor();

    await page.getByLabel('API key', { exact: true }).fill(SECRETS.alice);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'alice-talk.wav' }).waitFor();
    expect(await page.getByText('bob-talk.wav').count()).toBe(0);
    expect(await inPage(page, "localStorage.getItem('hark.apiKey')")).toBe(SECRETS.alice);

    // Kept across visits; every API request carries it.
    const authorizations: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) authorizations.push(request.headers().authorization);
    });
    await page.reload();
    await page.getByRole('link', { name: 'alice-talk.wav' }).waitFor();
    expect(authorizations.length).toBeGreaterThan(0);
    expect(new Set(authorizations)).toEqual(new Set([`Bearer ${SECRETS.alice}`]));

    // Cancel, retry and delete on the key's queued task (this stack has no processor: it stays queued).
    const row = page.locator('.task-row', { hasText: 'alice-talk.wav' });
    await row.getByRole('button', { name: 'Cancel: alice-talk.wav' }).click();
    await row.locator('.badge', { hasText: 'Cancelled' }).waitFor();
    await row.getByRole('button', { name: 'Retry: alice-talk.wav' }).click();
    await row.locator('.badge', { hasText: 'Queued' }).waitFor();
    await row.getByRole('button', { name: 'Delete: alice-talk.wav' }).click();
    await row.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText('No tasks yet.').waitFor();
    expect((await getAs(SECRETS.alice, `/api/v1/tasks/${aliceTask}`)).statusCode).toBe(404);

    await page.getByRole('button', { name: 'Forget API key' }).click();
    await page.getByRole('heading', { name: 'API key required' }).waitFor();
    expect(await inPage(page, "localStorage.getItem('hark.apiKey')")).toBeNull();
  });

  it('with a key, plays the media from a Blob (an element cannot send the header) and downloads with the key', async () => {
    await stack.startProcessor();
    const { id } = await uploadAs(SECRETS.bob, 'bob-second.wav');
    await waitFor(async () => (await getAs(SECRETS.bob, `/api/v1/tasks/${id}`)).status === 'completed', {
      what: `task ${id} to complete`,
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    const page = await pages.page();
    await page.goto(`${stack.baseUrl}/#/tasks/${id}`);
    await page.getByLabel('API key', { exact: true }).fill(SECRETS.bob);
    await page.getByRole('button', { name: 'Continue' }).click();
    await playerReady(page);
    expect(await inPage<string>(page, "document.querySelector('.player').src")).toMatch(/^blob:/);
    const first = page.locator('.transcript button.segment').first();
    await first.click();
    expect(await playerTime(page)).toBeCloseTo(Number(await first.getAttribute('data-start')), 3);

    await page.getByLabel('Format').selectOption('vtt');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download VTT' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bob-second.vtt');
    const vtt = readFileSync(await download.path(), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(parse(vtt).entries.length).toBeGreaterThan(0);
  });
});
