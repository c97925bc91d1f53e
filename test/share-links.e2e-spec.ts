import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformReplayServer } from '../libs/crawlers/src/__fixtures__/replay-server';
import { getJson, postJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { expectWellFormedSegments } from './support/transcript-checks';

const TIKTOK_ID = '7301234567890123456';
const DOUYIN_ID = '7301234567891234567';
const NOTE_ID = '7301234567891239999';
const JOB_ATTEMPTS = 3;

const TIKTOK_LINK = {
  platform: 'tiktok',
  video_id: TIKTOK_ID,
  title: 'Ask not what your country can do for you #history #speech',
  author: { username: 'hark.demo', nickname: 'Hark Demo' },
  duration: 11,
  watermark: false,
};
const DOUYIN_LINK = {
  platform: 'douyin',
  video_id: DOUYIN_ID,
  title: '不要问国家能为你做什么 #演讲 #历史',
  author: { username: 'hark_demo', nickname: '哈克演示' },
  duration: 11.094,
  watermark: false,
};
const NOTE_LINK = { platform: 'douyin', video_id: NOTE_ID, title: '演讲笔记：不要问', watermark: false };

/**
 * Share links through the real api and processor. TikTok, Douyin and their CDNs are a replay
 * server on 127.0.0.1 (libs/crawlers/src/__fixtures__), whose CDN serves jfk.wav as the video and
 * only to requests with the headers the platform's CDN wants.
 */
describe('TikTok and Douyin share links', () => {
  const platforms = new PlatformReplayServer(audioPath('jfk.wav'));
  let stack: TestStack;

  beforeAll(async () => {
    await platforms.start();
    const base = platforms.baseUrl;
    stack = await TestStack.create({
      ALLOWED_URL_HOSTS: '127.0.0.1',
      TIKTOK_BASE_URL: base,
      TIKTOK_SHORT_LINK_BASE_URL: base,
      DOUYIN_BASE_URL: base,
      DOUYIN_SHORT_LINK_BASE_URL: base,
      LINK_RESOLVE_TIMEOUT_MS: '3000',
      JOB_ATTEMPTS: String(JOB_ATTEMPTS),
      JOB_BACKOFF_MS: '300',
    });
    await stack.startApi();
    await stack.startProcessor();
  });
  afterAll(async () => {
    await stack?.destroy();
    await platforms.stop();
  });

  const post = (route: string, body: Record<string, unknown>) => postJson(stack.baseUrl, route, body);
  const countTasks = async () => (await stack.sql<{ n: string }>('SELECT count(*) AS n FROM tasks'))[0].n;

  const forms: [string, string, string, object][] = [
    [
      'tiktok.com/@user/video/<id>',
      '/api/v1/tasks',
      `https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}?is_from_webapp=1`,
      TIKTOK_LINK,
    ],
    ['m.tiktok.com/v/<id>.html', '/api/v1/tasks', `https://m.tiktok.com/v/${TIKTOK_ID}.html`, TIKTOK_LINK],
    ['vm.tiktok.com/<code>', '/api/v1/tasks', 'https://vm.tiktok.com/ZS8hark01/', TIKTOK_LINK],
    [
      'vt.tiktok.com/<code> (chained short links)',
      '/api/v1/tiktok/tasks',
      'https://vt.tiktok.com/ZT8hark02/',
      TIKTOK_LINK,
    ],
    ['tiktok.com/t/<code>', '/api/v1/tiktok/tasks', 'https://www.tiktok.com/t/ZT8hark03/', TIKTOK_LINK],
    [
      'TikTok share text',
      '/api/v1/tasks',
      'Check out Hark Demo’s video! #TikTok https://vm.tiktok.com/ZS8hark01/ ',
      TIKTOK_LINK,
    ],
    ['douyin.com/video/<id>', '/api/v1/tasks', `https://www.douyin.com/video/${DOUYIN_ID}`, DOUYIN_LINK],
    ['douyin.com/note/<id>', '/api/v1/douyin/tasks', `https://www.douyin.com/note/${NOTE_ID}`, NOTE_LINK],
    [
      'douyin.com …?modal_id=<id>',
      '/api/v1/tasks',
      `https://www.douyin.com/discover?modal_id=${DOUYIN_ID}`,
      DOUYIN_LINK,
    ],
    [
      'iesdouyin.com/share/video/<id>',
      '/api/v1/douyin/tasks',
      `https://www.iesdouyin.com/share/video/${DOUYIN_ID}/?region=CN`,
      DOUYIN_LINK,
    ],
    ['v.douyin.com/<code>', '/api/v1/douyin/tasks', 'https://v.douyin.com/iRNBho6u/', DOUYIN_LINK],
    [
      'Douyin share text',
      '/api/v1/tasks',
      '7.43 复制打开抖音，看看【哈克演示的作品】不要问国家能为你做什么 # 演讲 https://v.douyin.com/iRNBho6u/ Mjc:/ 02/13 S@y.Xm',
      DOUYIN_LINK,
    ],
  ];

  it('every link form ends in a completed task whose media came from the fixture CDN', async () => {
    platforms.reset();
    const created = [];
    for (const [form, route, url, link] of forms) {
      const response = await post(route, { url, language: 'en' });
      expect(response.status, `${form}: ${JSON.stringify(response.body)}`).toBe(201);
      expect(response.body).toMatchObject({
        status: 'queued',
        source: 'link',
        platform: (link as { platform: string }).platform,
        link: null,
        file_name: null,
      });
      expect(response.body.source_url).toMatch(/^https:\/\/[^\s]+$/);
      created.push({ form, id: response.body.id as string, link });
    }
    for (const { form, id, link } of created) {
      const { task } = await waitForTask(stack.baseUrl, id);
      expect(task.status, `${form}: ${task.error}`).toBe('completed');
      expect(task.link, form).toMatchObject(link);
      expect(task.file_name).toBe(`${task.platform}-${task.link.video_id}.mp4`);
      expect(task.file_size_bytes).toBe(352078); // jfk.wav, byte for byte
      expect(task.duration).toBeCloseTo(11, 1);
      expectWellFormedSegments(task.result.segments, task.duration);
      expect(task.result.segments.length).toBe(3);
    }
    // Each task downloaded its media once from the CDN path, with the headers the CDN requires.
    const media = platforms.requests.filter(
      (r) => r.path.startsWith('/tiktok-cdn/video/') || r.path.startsWith('/douyin-cdn/tos-cn-ve-15/'),
    );
    expect(media.map((r) => r.status)).toEqual(forms.map(() => 200));
    expect(media.filter((r) => r.path.startsWith('/tiktok-cdn/')).length).toBe(6);
    // Douyin media came through the clean play address, never the watermarked one.
    expect(platforms.hits('/aweme/v1/play/').length).toBe(6);
    expect(platforms.hits('/aweme/v1/playwm/')).toEqual([]);
    expect((await getJson(stack.baseUrl, '/api/v1/tasks?platform=douyin&status=completed')).body.total).toBe(6);
  });

  it('a share link also works as a multipart form field', async () => {
    const created = await upload(stack.baseUrl, null, {
      url: `https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}`,
      priority: 'high',
    });
    expect(created.status).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({
      status: 'completed',
      priority: 'high',
      source: 'link',
      platform: 'tiktok',
      link: TIKTOK_LINK,
    });
  });

  it.each([
    ['not_found', 'TikTok deleted video', `https://www.tiktok.com/@hark.demo/video/7301234567890000404`],
    ['not_found', 'Douyin deleted video', 'https://www.douyin.com/video/7301234567891230404'],
    ['not_found', 'TikTok expired short link', 'https://vm.tiktok.com/ZS8expired/'],
    ['login_required', 'TikTok login wall', 'https://www.tiktok.com/@hark.demo/video/7301234567890000401'],
    ['login_required', 'Douyin redirect to login', 'https://www.douyin.com/video/7301234567891230401'],
    ['region_blocked', 'TikTok HTTP 451', 'https://www.tiktok.com/@hark.demo/video/7301234567890000451'],
    ['region_blocked', 'Douyin region filter', 'https://www.douyin.com/video/7301234567891230451'],
    ['empty_response', 'Douyin empty 200', 'https://www.douyin.com/video/7301234567891230200'],
    ['unexpected_format', 'TikTok changed page layout', 'https://www.tiktok.com/@hark.demo/video/7301234567890000999'],
    ['unsupported_link', 'TikTok short link to a profile', 'https://vm.tiktok.com/ZS8profile/'],
  ])('%s (%s) fails the task at once with the code in error and error_code', async (code, _case, url) => {
    const created = await post('/api/v1/tasks', { url });
    expect(created.status).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status).toBe('failed');
    expect(task.error_code).toBe(code);
    expect(task.error).toMatch(new RegExp(`^${code}: \\S`));
    const [row] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [task.id]);
    expect(row.attempts).toBe(1);
    expect(task.link).toBeNull();
  });

  it('rate_limited is retried with backoff: once → completed on the second attempt; always → failed after JOB_ATTEMPTS', async () => {
    platforms.reset();
    const once = await post('/api/v1/tasks', { url: 'https://vm.tiktok.com/ZS8rate429/' });
    const always = await post('/api/v1/douyin/tasks', { url: 'https://www.douyin.com/video/7301234567891230429' });
    const recovered = (await waitForTask(stack.baseUrl, once.body.id)).task;
    expect(recovered).toMatchObject({ status: 'completed', error: null, error_code: null, link: TIKTOK_LINK });
    const failed = (await waitForTask(stack.baseUrl, always.body.id)).task;
    expect(failed).toMatchObject({
      status: 'failed',
      error_code: 'rate_limited',
      error: expect.stringMatching(/^rate_limited: .*HTTP 429/),
    });
    const attempts = await stack.sql<{ id: string; attempts: number }>(
      'SELECT id, attempts FROM tasks WHERE id = ANY($1)',
      [[once.body.id, always.body.id]],
    );
    expect(Object.fromEntries(attempts.map((r) => [r.id, r.attempts]))).toEqual({
      [once.body.id]: 2,
      [always.body.id]: JOB_ATTEMPTS,
    });
    expect(platforms.hits('/share/video/7301234567891230429/').length).toBe(JOB_ATTEMPTS);
  });

  it.each([
    [
      '/api/v1/tasks',
      { url: 'https://www.tiktok.com/@hark.demo' },
      400,
      /No TikTok or Douyin video link found\. Accepted forms: .*vm\.tiktok\.com/,
      'unsupported_link',
    ],
    [
      '/api/v1/tasks',
      { url: 'https://example.com/talk.mp3' },
      400,
      /For a plain media file, use file_url/,
      'unsupported_link',
    ],
    [
      '/api/v1/tasks',
      { url: 'https://vm.tiktok.com/ZS8hark01/', file_url: 'https://example.com/a.mp3' },
      400,
      /Send one of file, file_url or url, not file_url and url/,
      undefined,
    ],
    [
      '/api/v1/tiktok/tasks',
      { url: 'https://v.douyin.com/iRNBho6u/' },
      400,
      /This is a Douyin link, not a TikTok link/,
      'unsupported_link',
    ],
    [
      '/api/v1/douyin/tasks',
      { url: `https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}` },
      400,
      /This is a TikTok link, not a Douyin link/,
      'unsupported_link',
    ],
    ['/api/v1/douyin/tasks', {}, 400, /url is required/, undefined],
    [
      '/api/v1/tiktok/tasks',
      { url: 'https://vm.tiktok.com/ZS8hark01/', priority: 'urgent' },
      400,
      /priority must be one of/,
      undefined,
    ],
  ] as const)('POST %s %j → %i, no task stored', async (route, body, status, message, code) => {
    const before = await countTasks();
    const response = await post(route, body);
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
    expect(response.body.code).toBe(code);
    if (code) expect(response.body.details).toEqual([{ field: 'url', problems: [response.body.message] }]);
    expect(await countTasks()).toBe(before);
  });

  describe('GET /api/v1/links/resolve', () => {
    const resolve = (url: string) => getJson(stack.baseUrl, `/api/v1/links/resolve?url=${encodeURIComponent(url)}`);

    it('returns the metadata and media URL without creating a task', async () => {
      const before = await countTasks();
      const { status, body } = await resolve('看看 https://v.douyin.com/iRNBho6u/ 复制此链接');
      expect(status).toBe(200);
      expect(body).toEqual({
        ...DOUYIN_LINK,
        url: 'https://v.douyin.com/iRNBho6u/',
        page_url: `${platforms.baseUrl}/share/video/${DOUYIN_ID}/`,
        cover_url: expect.stringContaining('/douyin-cdn/tos-cn-p-0015/ohark01cover~'),
        media_url: `${platforms.baseUrl}/aweme/v1/play/?video_id=v0200fg10000hark01&ratio=720p&line=0`,
        media_headers: { 'user-agent': expect.stringContaining('iPhone'), referer: `${platforms.baseUrl}/` },
      });
      const tiktok = await resolve(`https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}`);
      expect(tiktok.body).toMatchObject({ ...TIKTOK_LINK, media_url: expect.stringContaining('/o4hark01play/') });
      expect(tiktok.body.media_headers.cookie).toBeUndefined(); // the page's cookies are not shown
      expect(await countTasks()).toBe(before);
    });

    it.each([
      ['https://www.tiktok.com/@hark.demo/video/7301234567890000404', 404, 'not_found'],
      ['https://www.tiktok.com/@hark.demo/video/7301234567890000401', 403, 'login_required'],
      ['https://www.douyin.com/video/7301234567891230451', 451, 'region_blocked'],
      ['https://www.douyin.com/video/7301234567891230429', 429, 'rate_limited'],
      ['https://www.douyin.com/video/7301234567891230200', 502, 'empty_response'],
      ['https://www.tiktok.com/@hark.demo/video/7301234567890000999', 502, 'unexpected_format'],
      ['https://www.tiktok.com/@hark.demo', 400, 'unsupported_link'],
      ['', 400, undefined],
    ])('%s → %i %s', async (url, status, code) => {
      const response = await resolve(url);
      expect(response.status).toBe(status);
      expect(response.body.statusCode).toBe(status);
      expect(response.body.code).toBe(code);
      expect(response.body.message.length).toBeGreaterThan(20);
      if (status === 429) expect(response.headers.get('retry-after')).toBe('30');
      if (status === 451) expect(response.body.error).toBe('Unavailable For Legal Reasons');
    });
  });
});
