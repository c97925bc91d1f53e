import { describe, expect, it } from 'vitest';
import { cleanFileName, MAX_FILE_NAME_LENGTH, suggestedFileName } from './file-name';

const fromUrl = (url: string) => suggestedFileName({}, new URL(url));
const fromHeader = (header: string) =>
  suggestedFileName({ 'content-disposition': header }, new URL('https://media.example/fallback.wav'));

describe('cleanFileName', () => {
  it.each([
    ['talk\r\n.wav', 'talk.wav'],
    ['a\u0000b\u0007c\u001b.wav', 'abc.wav'],
    ['del\u007f-c1\u0085\u009b.wav', 'del-c1.wav'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061Cx.wav', 'x.wav'],
    ['  名前 ünïcödé.wav  ', '名前 ünïcödé.wav'],
    ['a<b>c %41.wav', 'a<b>c %41.wav'],
    ['\r\n', ''],
  ])('%j → %j', (name, cleaned) => {
    expect(cleanFileName(name)).toBe(cleaned);
  });

  it(`keeps at most ${MAX_FILE_NAME_LENGTH} characters, cutting before the extension`, () => {
    const cleaned = cleanFileName(`${'名'.repeat(1000)}.flac`);
    expect(Array.from(cleaned)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(cleaned.endsWith('名.flac')).toBe(true);
  });
});

describe('suggestedFileName: decoded once, then cleaned', () => {
  it('percent-decodes the URL path segment once, each valid run on its own', () => {
    expect(fromUrl('https://h.example/media/My%20Talk.wav')).toBe('My Talk.wav');
    expect(fromUrl('https://h.example/%2541.wav')).toBe('%41.wav');
    expect(fromUrl('https://h.example/a%ZZ%20b%E5%90%8D.wav')).toBe('a%ZZ b名.wav');
    expect(fromUrl('https://h.example/a%FF%20b.wav')).toBe('a%FF%20b.wav');
  });

  it('removes CR/LF and bidirectional overrides decoded from the URL, and keeps the last segment', () => {
    expect(fromUrl('https://h.example/x%0D%0Ay%E2%80%AEvaw.exe')).toBe('xyvaw.exe');
    expect(fromUrl('https://h.example/a%2F..%2Fpasswd')).toBe('passwd');
    expect(fromUrl('https://h.example/%0D%0A')).toBe('h.example');
  });

  it("decodes Content-Disposition's filename* once and cleans it; the plain filename is not percent-decoded", () => {
    expect(fromHeader("attachment; filename*=UTF-8''%E5%90%8D%E5%89%8D%0D%0A.wav")).toBe('名前.wav');
    expect(fromHeader("attachment; filename*=UTF-8''%2541.wav")).toBe('%41.wav');
    expect(fromHeader('attachment; filename="%41 \u202Eb.wav"')).toBe('%41 b.wav');
    expect(fromHeader('attachment; filename="..\\\\dir\\\\x.wav"')).toBe('x.wav');
    expect(fromHeader('attachment; filename="\u202E"')).toBe('fallback.wav');
  });
});
