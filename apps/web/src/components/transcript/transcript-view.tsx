import { useMemo, useRef, useState } from 'preact/hooks';
import type { Task, Transcript } from '../../api/types';
import { t } from '../../i18n';
import { matches } from '../../lib/search';
import { speakerColours } from '../../lib/speakers';
import { DownloadPanel } from './download-panel';
import { MediaPlayer } from './media-player';
import { SegmentList } from './segment-list';
import { SpeakerNames } from './speaker-names';

/**
 * A completed task: the media in a player, the segments (click one to play from there; the one
 * playing is highlighted), search, speaker names and downloads.
 */
export function TranscriptView({
  task,
  result,
  onTaskChange,
}: {
  task: Task;
  result: Transcript;
  onTaskChange: (task: Task) => void;
}) {
  const media = useRef<HTMLMediaElement>(null);
  const [time, setTime] = useState(-1);
  const [query, setQuery] = useState('');
  const [playing, setPlaying] = useState(false);
  const colours = useMemo(() => speakerColours(result), [result]);
  const shown = useMemo(
    () => (query.trim() ? new Set(result.segments.filter((segment) => matches(segment.text, query.trim()))) : null),
    [result, query],
  );

  const seek = (seconds: number) => {
    if (media.current) media.current.currentTime = seconds;
    setTime(seconds);
  };

  return (
    <div class="transcript">
      <section class="card player-card" aria-label={t('player')}>
        <MediaPlayer task={task} mediaRef={media} onTime={setTime} onPlaying={setPlaying} />
      </section>
      {result.speakers && result.speakers.length > 0 && (
        <SpeakerNames task={task} speakers={result.speakers} colours={colours} onRenamed={onTaskChange} />
      )}
      <section class="card" aria-labelledby="transcript-title">
        <div class="transcript-head">
          <h2 id="transcript-title">{t('transcript')}</h2>
          <div class="search">
            <label for="search" class="visually-hidden">
              {t('search')}
            </label>
            <input
              id="search"
              type="search"
              placeholder={t('search')}
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
          </div>
        </div>
        <p class="muted" role="status">
          {shown
            ? t('searchCount', { count: shown.size, total: result.segments.length })
            : result.segments.length === 0
              ? t('noSpeech')
              : ''}
        </p>
        <SegmentList
          segments={result.segments}
          shown={shown}
          time={time}
          query={query.trim()}
          follow={playing}
          colours={colours}
          onSeek={seek}
        />
      </section>
      <DownloadPanel taskId={task.id} />
    </div>
  );
}
