import { stat } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegReason } from './ffmpeg-error';
import { MediaError, type MediaInfo } from './media-info';

/**
 * Reads a media file's container and first audio stream with ffprobe.
 * @param path local file path
 * @returns the file's `MediaInfo`
 * @throws MediaError `empty` (0 bytes, or an audio stream without samples), `unreadable` (ffprobe
 *   cannot parse it) or `no_audio` (it parses, but has no audio stream)
 */
export async function probeMedia(path: string): Promise<MediaInfo> {
  const { size } = await stat(path);
  if (size === 0) throw new MediaError('empty', 'The file is empty (0 bytes).');
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) =>
    ffmpeg.ffprobe(path, (error, result) =>
      error
        ? reject(new MediaError('unreadable', `Not a readable audio or video file: ${ffmpegReason(error)}`))
        : resolve(result),
    ),
  );
  const audio = data.streams.find((stream) => stream.codec_type === 'audio');
  if (!audio) throw new MediaError('no_audio', 'The file has no audio stream.');
  const duration = Number(data.format.duration ?? audio.duration);
  // A header without samples (e.g. a WAV of 44 bytes) states no duration, or 0. So does a stream
  // whose header could not be finalised (a FLAC written to a pipe): it has packets, and is kept.
  if (!(duration > 0) && !(await hasAudioPackets(path)))
    throw new MediaError('empty', 'The file holds no audio samples (its audio stream is empty).');
  return {
    formatName: data.format.format_name ?? 'unknown',
    duration: Number.isFinite(duration) ? duration : 0,
    audio: {
      codec: audio.codec_name ?? 'unknown',
      sampleRate: Number(audio.sample_rate ?? 0),
      channels: audio.channels ?? 0,
    },
    hasVideo: data.streams.some((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1),
  };
}

/**
 * Whether the first audio stream has at least one packet: ffprobe reads packets only until it
 * finds the first one, so this costs little even on a long file.
 */
async function hasAudioPackets(path: string): Promise<boolean> {
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) =>
    ffmpeg.ffprobe(path, ['-select_streams', 'a:0', '-count_packets', '-read_intervals', '%+#1'], (error, result) =>
      error
        ? reject(new MediaError('unreadable', `Not a readable audio or video file: ${ffmpegReason(error)}`))
        : resolve(result),
    ),
  );
  const packets = Number(data.streams[0]?.nb_read_packets);
  return Number.isFinite(packets) && packets > 0;
}
