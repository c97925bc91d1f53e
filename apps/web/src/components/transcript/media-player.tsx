import type { RefObject } from 'preact';
import type { Task } from '../../api/types';
import { t } from '../../i18n';
import { useMediaUrl } from '../../lib/use-media-url';
import { ErrorMessage } from '../error-message';

const VIDEO = /\.(mp4|m4v|mov|mkv|webm|avi|flv|3gp|ts|mts|mpe?g|wmv|ogv)$/i;

/** Whether a task's media is a video (by its file name; share links are videos). */
export function isVideo(task: Task): boolean {
  return task.source === 'link' || VIDEO.test(task.file_name ?? '');
}

interface Props {
  task: Task;
  mediaRef: RefObject<HTMLMediaElement>;
  /** The playback position, on every timeupdate and seek. */
  onTime: (seconds: number) => void;
  /** Whether the media plays (on play and pause). */
  onPlaying: (playing: boolean) => void;
}

/** The task's media in an audio or video element with the browser's controls. */
export function MediaPlayer({ task, mediaRef, onTime, onPlaying }: Props) {
  const { url, error } = useMediaUrl(task.id, !task.media_removed_at);
  if (task.media_removed_at) return <p class="muted">{t('mediaRemoved')}</p>;
  if (error) return <ErrorMessage error={error} />;
  if (!url) return <p class="muted">{t('mediaLoading')}</p>;
  const update = (event: Event) => onTime((event.currentTarget as HTMLMediaElement).currentTime);
  const common = {
    ref: mediaRef as RefObject<HTMLVideoElement & HTMLAudioElement>,
    src: url,
    controls: true,
    preload: 'metadata' as const,
    'aria-label': t('player'),
    onTimeUpdate: update,
    onSeeked: update,
    onPlay: () => onPlaying(true),
    onPause: () => onPlaying(false),
  };
  return isVideo(task) ? <video class="player video" playsInline {...common} /> : <audio class="player" {...common} />;
}
