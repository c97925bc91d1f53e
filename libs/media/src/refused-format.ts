import { MediaError, type MediaLimits } from './media-info';
import { guardedInput, MediaProcess } from './media-process';

/** What the formats people most often send by mistake are, by ffmpeg's demuxer name. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  hls: 'an HLS playlist',
  dash: 'a DASH manifest',
  concat: 'an ffconcat list of files',
  image2: 'an image sequence',
  sdp: 'an SDP session description',
  webm_dash_manifest: 'a WebM DASH manifest',
  tedcaptions: 'a subtitle file',
  srt: 'a subtitle file',
  webvtt: 'a subtitle file',
  ass: 'a subtitle file',
  sbg: 'an SBaGen script',
};

/**
 * When ffprobe refused a file because its format is off the demuxer whitelist ("Format not on
 * whitelist" in `stderr`), the error that names the format: ffprobe is asked again, still through
 * the whitelist (nothing is opened), at debug level, where it logs the format it detected.
 * @returns MediaError `unsupported_format`, or null when that was not why ffprobe failed
 */
export async function refusedFormat(path: string, stderr: string, limits: MediaLimits): Promise<MediaError | null> {
  if (!/Format not on whitelist/.test(stderr)) return null;
  const tool = new MediaProcess('ffprobe', ['-v', 'debug', ...guardedInput(path)], {
    stallTimeoutMs: limits.stallTimeoutMs,
  });
  tool.stdout.resume();
  const { stderr: debug } = await tool.exited;
  // libavformat's av_probe_input_buffer2: "Format %s probed with size=%d and score=%d".
  const name = /Format (\S+) probed with size/.exec(debug)?.[1] ?? 'unknown';
  const what = DESCRIPTIONS[name] ?? `in the "${name}" format, which is not an audio or video container`;
  return new MediaError(
    'unsupported_format',
    `The file is ${what} (ffmpeg format "${name}"). Hark reads only the media itself, never a playlist or a file that points at other files or URLs.`,
  );
}
