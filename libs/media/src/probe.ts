import { stat } from 'node:fs/promises';
import { ffmpegReason } from './ffmpeg-error';
import {
  DEFAULT_MEDIA_LIMITS,
  MediaError,
  type MediaInfo,
  type MediaLimits,
  MIN_SAMPLE_RATE,
  tooLong,
} from './media-info';
import { guardedInput, MediaProcess, stalledError } from './media-process';
import { refusedFormat } from './refused-format';

/** ffprobe's JSON answer, the fields Hark reads. */
interface ProbeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    duration?: string;
    nb_read_packets?: string;
    disposition?: { attached_pic?: number };
  }[];
}

/** Most bytes of ffprobe output read (a file with thousands of streams could say more). */
const MAX_PROBE_OUTPUT = 1024 ** 2;

/**
 * Reads a media file's container and first audio stream with ffprobe, through the demuxer
 * whitelist (`guardedInput`) and a watchdog (`limits.stallTimeoutMs` in all).
 * @param path local file path
 * @param limits longest audio (s) and the watchdog; default `DEFAULT_MEDIA_LIMITS`
 * @returns the file's `MediaInfo`
 * @throws MediaError `empty` (0 bytes, or an audio stream without samples), `unsupported_format`
 *   (a playlist or another format not on the whitelist, naming it; a sample rate under
 *   `MIN_SAMPLE_RATE`), `unreadable` (ffprobe cannot parse it, or stalled), `no_audio` (no audio
 *   stream) or `too_long` (its header says it is longer than `limits.maxSeconds`)
 */
export async function probeMedia(path: string, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): Promise<MediaInfo> {
  const { size } = await stat(path);
  if (size === 0) throw new MediaError('empty', 'The file is empty (0 bytes).');
  const data = await ffprobe(path, ['-show_format', '-show_streams'], limits);
  const audio = data.streams?.find((stream) => stream.codec_type === 'audio');
  if (!audio) throw new MediaError('no_audio', 'The file has no audio stream.');
  const sampleRate = Number(audio.sample_rate ?? 0);
  if (sampleRate > 0 && sampleRate < MIN_SAMPLE_RATE)
    throw new MediaError(
      'unsupported_format',
      `The file's audio is sampled at ${sampleRate} Hz; Hark reads audio sampled at ${MIN_SAMPLE_RATE} Hz or more (speech needs at least 8000 Hz).`,
    );
  const duration = Number(data.format?.duration ?? audio.duration);
  // A header without samples (e.g. a WAV of 44 bytes) states no duration, or 0. So does a stream
  // whose header could not be finalised (a FLAC written to a pipe): it has packets, and is kept.
  if (!(duration > 0) && !(await hasAudioPackets(path, limits)))
    throw new MediaError('empty', 'The file holds no audio samples (its audio stream is empty).');
  if (duration > limits.maxSeconds)
    throw tooLong(`The file's header says it is ${Math.round(duration)} s long`, limits);
  return {
    formatName: data.format?.format_name ?? 'unknown',
    duration: Number.isFinite(duration) ? duration : 0,
    audio: { codec: audio.codec_name ?? 'unknown', sampleRate, channels: audio.channels ?? 0 },
    hasVideo: data.streams!.some((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1),
  };
}

/**
 * Whether the first audio stream has at least one packet: ffprobe reads packets only until it
 * finds the first one, so this costs little even on a long file.
 */
async function hasAudioPackets(path: string, limits: MediaLimits): Promise<boolean> {
  const data = await ffprobe(path, ['-select_streams', 'a:0', '-count_packets', '-read_intervals', '%+#1'], limits);
  const packets = Number(data.streams?.[0]?.nb_read_packets);
  return Number.isFinite(packets) && packets > 0;
}

/**
 * Runs ffprobe with JSON output on a guarded input.
 * @throws MediaError `unsupported_format` (a demuxer off the whitelist, named) or `unreadable`
 */
async function ffprobe(path: string, show: string[], limits: MediaLimits): Promise<ProbeOutput> {
  const tool = new MediaProcess('ffprobe', ['-v', 'error', '-print_format', 'json', ...show, ...guardedInput(path)], {
    stallTimeoutMs: limits.stallTimeoutMs,
  });
  let output = '';
  tool.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    if (output.length > MAX_PROBE_OUTPUT) tool.kill();
  });
  const exit = await tool.exited;
  if (exit.stalled) throw stalledError(limits, 'Reading the file');
  if (exit.code !== 0 || output.length > MAX_PROBE_OUTPUT) {
    const refused = await refusedFormat(path, exit.stderr, limits);
    if (refused) throw refused;
    throw new MediaError('unreadable', `Not a readable audio or video file: ${ffmpegReason(exit.stderr)}`);
  }
  return JSON.parse(output) as ProbeOutput;
}
