import { stat } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegReason } from './ffmpeg-error';
import { MediaError, type MediaInfo } from './media-info';

/**
 * Reads a media file's container and first audio stream with ffprobe.
 * @param path local file path
 * @returns the file's `MediaInfo`
 * @throws MediaError `empty` (0 bytes), `unreadable` (ffprobe cannot parse it) or
 *   `no_audio` (it parses, but has no audio stream)
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
