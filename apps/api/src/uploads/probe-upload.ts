import { MediaError, type MediaInfo, probeMedia } from '@app/media';
import { UnprocessableEntityException, UnsupportedMediaTypeException } from '@nestjs/common';

/**
 * ffprobe for an uploaded file, with the client's errors: 415 for a file that is not audio or
 * video, 422 for an empty one or one without an audio stream.
 */
export async function probeUpload(path: string): Promise<MediaInfo> {
  return probeMedia(path).catch((error: unknown) => {
    if (!(error instanceof MediaError)) throw error;
    if (error.code === 'unreadable') throw new UnsupportedMediaTypeException(`${error.message}. Upload an audio or video file that ffmpeg can read (wav, mp3, m4a, flac, ogg, opus, mp4, mkv, webm, …).`);
    throw new UnprocessableEntityException(`${error.message} Upload a file that contains audio.`);
  });
}

/** 400 body for a multipart request without `file`. */
export const MISSING_FILE = {
  message: 'file is missing: send the audio or video as the multipart/form-data field "file", e.g. curl -F file=@talk.mp3 …',
  details: [{ field: 'file', problems: ['file is required'] }],
};
