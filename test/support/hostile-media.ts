import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One file of the hostile-media corpus: what it is, where it was written, and the format ffmpeg detects. */
export interface HostileFile {
  name: string;
  path: string;
  /** ffmpeg's demuxer name, which the refusal must name. */
  format: string;
}

/**
 * Writes the playlists and indirection files of the hostile-media corpus into `dir`, each under a
 * `.wav` name (an attacker picks any name): an HLS playlist (finished and live), a DASH manifest
 * and an ffconcat list, each naming `serverFile` (a file on the server) or `internalUrl` (a URL
 * only the server can reach). Nothing may ever read those targets.
 */
export function writePlaylists(dir: string, serverFile: string, internalUrl: string): HostileFile[] {
  const files: [string, string, string][] = [
    ['hls-server-file.wav', 'hls', `#EXTM3U\n#EXT-X-TARGETDURATION:20\n#EXTINF:11,\n${serverFile}\n#EXT-X-ENDLIST\n`],
    // No #EXT-X-ENDLIST: a live playlist, which ffmpeg would reload for ever.
    [
      'hls-live-internal-url.wav',
      'hls',
      `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2,\n${internalUrl}\n`,
    ],
    [
      'dash-server-file.wav',
      'dash',
      `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT11S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period><AdaptationSet mimeType="audio/mp4"><Representation id="a" bandwidth="64000"><BaseURL>${internalUrl}</BaseURL></Representation></AdaptationSet></Period></MPD>\n`,
    ],
    ['ffconcat-server-file.wav', 'concat', `ffconcat version 1.0\nfile ${serverFile}\n`],
  ];
  return files.map(([name, format, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return { name, path, format };
  });
}

/**
 * A FLAC whose header lies: its STREAMINFO says `claimedSeconds`, but it holds `seconds` of a
 * 440 Hz tone (16 kHz mono). ffprobe reports the claim; decoding yields everything.
 */
export function writeLyingFlac(path: string, seconds: number, claimedSeconds: number): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=440:d=${seconds}`, '-ar', '16000', path]);
  const bytes = readFileSync(path);
  // STREAMINFO (FLAC format, "METADATA_BLOCK_STREAMINFO"): after "fLaC" and a 4-byte block header,
  // total samples are the 36 bits that start at the low nibble of byte 21.
  const total = claimedSeconds * 16000;
  bytes[21] = (bytes[21] & 0xf0) | Math.floor(total / 2 ** 32);
  bytes.writeUInt32BE(total % 2 ** 32, 22);
  writeFileSync(path, bytes);
}

/** A WAV of `samples` silent 16-bit samples whose header says they are sampled at `rate` Hz. */
export function writeWavAtRate(path: string, rate: number, samples: number): void {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(samples * 2)]));
}

/** A FLAC of `seconds` of silence at 8 kHz: hours fit in a few hundred kilobytes. */
export function writeSilentFlac(path: string, seconds: number): void {
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `anullsrc=r=8000:cl=mono`, '-t', String(seconds)],
    path,
  ]);
}
