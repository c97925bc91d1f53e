import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { HttpClient } from '@app/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectProxy } from '../../../test/support/connect-proxy';
import { freePort } from '../../../test/support/ports';
import { PlatformReplayServer } from './__fixtures__/replay-server';
import { LinkError, type LinkErrorCode } from './link-error';
import { LinkResolverService } from './link-resolver.service';

const TIKTOK_ID = '7301234567890123456';
const DOUYIN_ID = '7301234567891234567';
const NOTE_ID = '7301234567891239999';

describe('finding share links (no network)', () => {
  const links = new LinkResolverService(loadConfig({}));

  it.each([
    [
      'https://www.tiktok.com/@hark.demo/video/7301234567890123456',
      'tiktok',
      { type: 'item', id: TIKTOK_ID, kind: 'video', username: 'hark.demo' },
    ],
    [
      'https://www.tiktok.com/@hark.demo/video/7301234567890123456?is_from_webapp=1&sender_device=pc',
      'tiktok',
      { type: 'item', id: TIKTOK_ID },
    ],
    ['https://m.tiktok.com/v/7301234567890123456.html', 'tiktok', { type: 'item', id: TIKTOK_ID, username: null }],
    ['https://m.tiktok.com/v/7301234567890123456', 'tiktok', { type: 'item', id: TIKTOK_ID }],
    ['https://vm.tiktok.com/ZS8hark01/', 'tiktok', { type: 'short' }],
    ['https://vt.tiktok.com/ZT8hark02', 'tiktok', { type: 'short' }],
    ['https://www.tiktok.com/t/ZT8hark03/', 'tiktok', { type: 'short' }],
    ['https://www.douyin.com/video/7301234567891234567', 'douyin', { type: 'item', id: DOUYIN_ID, kind: 'video' }],
    ['https://www.douyin.com/note/7301234567891239999', 'douyin', { type: 'item', id: NOTE_ID, kind: 'note' }],
    [
      'https://www.douyin.com/discover?modal_id=7301234567891234567',
      'douyin',
      { type: 'item', id: DOUYIN_ID, kind: 'video' },
    ],
    [
      'https://www.douyin.com/user/MS4wLjABAAAAhark?modal_id=7301234567891234567&vid=1',
      'douyin',
      { type: 'item', id: DOUYIN_ID },
    ],
    [
      'https://www.iesdouyin.com/share/video/7301234567891234567/?region=CN&mid=1',
      'douyin',
      { type: 'item', id: DOUYIN_ID, kind: 'video' },
    ],
    [
      'https://www.iesdouyin.com/share/note/7301234567891239999/',
      'douyin',
      { type: 'item', id: NOTE_ID, kind: 'note' },
    ],
    ['https://v.douyin.com/iRNBho6u/', 'douyin', { type: 'short' }],
  ])('%s', (text, platform, target) => {
    const link = links.find(text);
    expect(link.platform).toBe(platform);
    expect(link.target).toMatchObject(target);
    expect(link.url).toBe(text);
  });

  it('finds the link inside a share text, with or without a scheme', () => {
    const douyin = links.find(
      '7.43 复制打开抖音，看看【哈克演示的作品】不要问国家能为你做什么 # 演讲 https://v.douyin.com/iRNBho6u/ Mjc:/ 02/13 S@y.Xm',
    );
    expect(douyin).toEqual({ platform: 'douyin', url: 'https://v.douyin.com/iRNBho6u/', target: { type: 'short' } });
    expect(links.find('看看这个→v.douyin.com/iRNBho6u/，太好笑了').url).toBe('https://v.douyin.com/iRNBho6u/');
    expect(links.find('Check out hark.demo’s video! #TikTok > https://vm.tiktok.com/ZS8hark01/ ').url).toBe(
      'https://vm.tiktok.com/ZS8hark01/',
    );
    expect(links.find('Watch this (https://vm.tiktok.com/ZS8hark01).').url).toBe('https://vm.tiktok.com/ZS8hark01');
    // A profile link first, then the post: the post is taken.
    expect(
      links.find('https://www.tiktok.com/@hark.demo and http://www.tiktok.com/@hark.demo/video/7301234567890123456')
        .url,
    ).toBe('https://www.tiktok.com/@hark.demo/video/7301234567890123456');
  });

  it.each([
    ['https://www.tiktok.com/@hark.demo', undefined, /No TikTok or Douyin video link found/],
    ['https://www.douyin.com/user/MS4wLjABAAAAhark', undefined, /https:\/\/v\.douyin\.com\/<code>\//],
    ['https://example.com/talk.mp3', undefined, /For a plain media file, use file_url/],
    ['https://live.douyin.com/123456789', undefined, /No TikTok or Douyin/],
    ['just words', undefined, /No TikTok or Douyin/],
    ['https://v.douyin.com/iRNBho6u/', 'tiktok', /This is a Douyin link, not a TikTok link/],
    ['https://www.douyin.com/video/1', 'douyin', /No Douyin video link found/],
  ] as const)('refuses %s (platform %s)', (text, platform, message) => {
    let error: unknown;
    try {
      links.find(text, platform);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LinkError);
    expect(error).toMatchObject({
      code: 'unsupported_link',
      retryable: false,
      message: expect.stringMatching(message),
    });
  });
});

describe('resolving links against replayed platform answers', () => {
  const server = new PlatformReplayServer(__filename);
  let links: LinkResolverService;

  beforeAll(async () => {
    await server.start();
    const base = server.baseUrl;
    links = new LinkResolverService(
      loadConfig({
        TIKTOK_BASE_URL: base,
        TIKTOK_SHORT_LINK_BASE_URL: base,
        DOUYIN_BASE_URL: base,
        DOUYIN_SHORT_LINK_BASE_URL: base,
        LINK_RESOLVE_TIMEOUT_MS: '2000',
        TIKTOK_COOKIE: 'sessionid=fixture',
      }),
    );
  });
  afterAll(() => server.stop());

  const resolve = (text: string) => links.resolve(links.find(text));
  const failure = async (text: string): Promise<LinkError> => {
    const error = await resolve(text).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LinkError);
    return error as LinkError;
  };

  it('TikTok: reads the post from the page state, with the page cookies for the CDN', async () => {
    const media = await resolve(`https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}`);
    expect(media).toEqual({
      platform: 'tiktok',
      videoId: TIKTOK_ID,
      pageUrl: `${server.baseUrl}/@hark.demo/video/${TIKTOK_ID}`,
      mediaUrl: expect.stringMatching(
        new RegExp(`^${server.baseUrl}/tiktok-cdn/video/tos/.*/o4hark01play/\\?a=1988&.*mime_type=video_mp4`),
      ),
      watermark: false,
      headers: {
        'user-agent': expect.stringContaining('Windows NT'),
        referer: `${server.baseUrl}/`,
        cookie: 'sessionid=fixture; tt_chain_token=HarkFixtureChainToken0001==; ttwid=1%7Chark%7C1732147200%7Cfixture',
      },
      title: 'Ask not what your country can do for you #history #speech',
      author: { username: 'hark.demo', nickname: 'Hark Demo' },
      duration: 11,
      coverUrl: expect.stringContaining('/tiktok-cdn/obj/tos-maliva-p-0068/oQhark01cover?'),
    });
    // The configured cookie and User-Agent went to TikTok.
    expect(server.hits('/@hark.demo/video/')[0].headers).toMatchObject({
      cookie: 'sessionid=fixture',
      'user-agent': expect.stringContaining('Chrome/'),
    });
  });

  it.each([
    ['m.tiktok.com (a same-origin redirect to the author path)', `https://m.tiktok.com/v/${TIKTOK_ID}.html`],
    ['vm.tiktok.com short link', 'https://vm.tiktok.com/ZS8hark01/'],
    ['vt.tiktok.com short link chained through vm.tiktok.com', 'https://vt.tiktok.com/ZT8hark02/'],
    ['tiktok.com/t/ short link', 'https://www.tiktok.com/t/ZT8hark03/'],
  ])('TikTok: %s', async (_form, text) => {
    const media = await resolve(text);
    expect(media).toMatchObject({
      platform: 'tiktok',
      videoId: TIKTOK_ID,
      pageUrl: `${server.baseUrl}/@hark.demo/video/${TIKTOK_ID}`,
    });
  });

  it('Douyin: reads the share page, swaps the watermarked play address for the clean one', async () => {
    const media = await resolve(`https://www.douyin.com/video/${DOUYIN_ID}`);
    expect(media).toEqual({
      platform: 'douyin',
      videoId: DOUYIN_ID,
      pageUrl: `${server.baseUrl}/share/video/${DOUYIN_ID}/`,
      mediaUrl: `${server.baseUrl}/aweme/v1/play/?video_id=v0200fg10000hark01&ratio=720p&line=0`,
      watermark: false,
      headers: { 'user-agent': expect.stringContaining('iPhone'), referer: `${server.baseUrl}/` },
      title: '不要问国家能为你做什么 #演讲 #历史',
      author: { username: 'hark_demo', nickname: '哈克演示' },
      duration: 11.094,
      coverUrl: expect.stringContaining('/douyin-cdn/tos-cn-p-0015/ohark01cover~'),
    });
  });

  it.each([
    ['?modal_id=', `https://www.douyin.com/discover?modal_id=${DOUYIN_ID}`, DOUYIN_ID],
    ['iesdouyin share page', `https://www.iesdouyin.com/share/video/${DOUYIN_ID}/`, DOUYIN_ID],
    [
      'v.douyin.com short link in a share text',
      '7.43 复制打开抖音，看看【哈克演示的作品】 https://v.douyin.com/iRNBho6u/ Mjc:/',
      DOUYIN_ID,
    ],
    ['note', `https://www.douyin.com/note/${NOTE_ID}`, NOTE_ID],
    ['short link to a note', 'https://v.douyin.com/iRNnote1/', NOTE_ID],
  ])('Douyin: %s', async (_form, text, id) => {
    const media = await resolve(text);
    expect(media).toMatchObject({
      platform: 'douyin',
      videoId: id,
      mediaUrl: expect.stringContaining('/aweme/v1/play/?video_id='),
    });
  });

  it.each<[string, string, LinkErrorCode, RegExp]>([
    [
      'TikTok deleted video (statusCode 10204)',
      'https://www.tiktok.com/@hark.demo/video/7301234567890000404',
      'not_found',
      /deleted, private or under review \(statusCode 10204\)/,
    ],
    [
      'TikTok login wall (statusCode 10222)',
      'https://www.tiktok.com/@hark.demo/video/7301234567890000401',
      'login_required',
      /logged-in users only.*TIKTOK_COOKIE/,
    ],
    [
      'TikTok region block (HTTP 451)',
      'https://www.tiktok.com/@hark.demo/video/7301234567890000451',
      'region_blocked',
      /HTTP 451/,
    ],
    [
      'TikTok changed page layout',
      'https://www.tiktok.com/@hark.demo/video/7301234567890000999',
      'unexpected_format',
      /no webapp.video-detail state/,
    ],
    [
      'TikTok short link to a profile',
      'https://vm.tiktok.com/ZS8profile/',
      'unsupported_link',
      /leads to https:\/\/www\.tiktok\.com\/@hark\.demo, which is not a video/,
    ],
    ['TikTok expired short link', 'https://vm.tiktok.com/ZS8expired/', 'not_found', /to the home page/],
    ['TikTok unknown short link (404)', 'https://vm.tiktok.com/ZS8unknown/', 'not_found', /HTTP 404/],
    [
      'Douyin deleted video (filter_list)',
      'https://www.douyin.com/video/7301234567891230404',
      'not_found',
      /status_deleted/,
    ],
    [
      'Douyin region block (filter_list)',
      'https://www.douyin.com/video/7301234567891230451',
      'region_blocked',
      /当前地区.*DOUYIN_PROXY/,
    ],
    [
      'Douyin login wall (redirect to SSO)',
      'https://www.douyin.com/video/7301234567891230401',
      'login_required',
      /redirected to sso\.douyin\.com/,
    ],
    [
      'Douyin empty 200',
      'https://www.douyin.com/video/7301234567891230200',
      'empty_response',
      /HTTP 200 with an empty body/,
    ],
    ['Douyin rate limit (HTTP 429)', 'https://www.douyin.com/video/7301234567891230429', 'rate_limited', /HTTP 429/],
  ])('%s → %s', async (_case, text, code, message) => {
    const error = await failure(text);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.retryable).toBe(code === 'rate_limited');
  });

  it('a rate-limited short link succeeds when asked again', async () => {
    expect((await failure('https://vm.tiktok.com/ZS8rate429/')).code).toBe('rate_limited');
    expect(await resolve('https://vm.tiktok.com/ZS8rate429/')).toMatchObject({ videoId: TIKTOK_ID });
  });

  it('an unreachable platform is a retryable network_error', async () => {
    const closed = await freePort(); // nothing listens there
    const offline = new LinkResolverService(
      loadConfig({ TIKTOK_BASE_URL: `http://127.0.0.1:${closed}`, LINK_RESOLVE_TIMEOUT_MS: '1000' }),
    );
    const error = await offline
      .resolve(offline.find(`https://www.tiktok.com/@hark.demo/video/${TIKTOK_ID}`))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'network_error',
      retryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('only the platform’s configured origin is exempt from the address guard: media on another internal host is refused unrequested', async () => {
    // The page is read from `localhost` (the configured origin); its play address names 127.0.0.1.
    const viaLocalhost = new LinkResolverService(
      loadConfig({ DOUYIN_BASE_URL: server.baseUrl.replace('127.0.0.1', 'localhost') }),
    );
    server.reset();
    const media = await viaLocalhost.resolve(viaLocalhost.find(`https://www.douyin.com/video/${DOUYIN_ID}`));
    expect(new URL(media.mediaUrl).hostname).toBe('127.0.0.1');
    const dir = await mkdtemp(join(tmpdir(), 'hark-guard-'));
    try {
      const { allowedHosts } = viaLocalhost.networkFor('douyin');
      const error = await new HttpClient()
        .download(media.mediaUrl, join(dir, 'media'), {
          allowedHosts,
          timeoutMs: 5000,
          maxBytes: 10_000_000,
          maxRedirects: 3,
        })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: 'download_failed',
        retryable: false,
        message: expect.stringMatching(/^127\.0\.0\.1 is not a public address/),
      });
      expect(server.requests.map((r) => r.path)).toEqual([`/share/video/${DOUYIN_ID}/`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('goes through the platform proxy (HTTP CONNECT) for the page and the media download', async () => {
    const proxy = new ConnectProxy();
    const proxyUrl = await proxy.start();
    const dir = await mkdtemp(join(tmpdir(), 'hark-proxy-'));
    try {
      const proxied = new LinkResolverService(loadConfig({ DOUYIN_BASE_URL: server.baseUrl, DOUYIN_PROXY: proxyUrl }));
      server.reset();
      const media = await proxied.resolve(proxied.find(`https://www.douyin.com/video/${DOUYIN_ID}`));
      const target = join(dir, 'media');
      const { bytes } = await new HttpClient().download(media.mediaUrl, target, {
        allowedHosts: new Set(),
        timeoutMs: 5000,
        maxBytes: 10_000_000,
        maxRedirects: 3,
        headers: media.headers,
        proxy: proxied.networkFor('douyin').proxy,
      });
      expect(bytes).toBe((await readFile(__filename)).length); // the replay server's "video" is this file
      const origin = server.baseUrl.replace('http://', '');
      // Page, play address and CDN: every request went through the proxy.
      expect(proxy.tunnels).toEqual([origin, origin, origin]);
      expect(server.requests.map((r) => [r.path, r.status])).toEqual([
        [`/share/video/${DOUYIN_ID}/`, 200],
        ['/aweme/v1/play/', 302],
        ['/douyin-cdn/tos-cn-ve-15/ohark01video/', 200],
      ]);
      // No proxy: TikTok, in the same service, connects directly.
      expect(proxied.networkFor('tiktok').proxy).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
      await proxy.stop();
    }
  });
});
