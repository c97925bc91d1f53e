import { Fragment } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Segment, Word } from '../../api/types';
import { t } from '../../i18n';
import { clock } from '../../lib/format';
import { indexAt, splitMatches } from '../../lib/search';

interface Props {
  segments: Segment[];
  /** The segments to show (search); all when null. */
  shown: Set<Segment> | null;
  /** The playback position: its segment and word are highlighted. */
  time: number;
  query: string;
  /** Keep the current segment in view (while the media plays). */
  follow: boolean;
  colours: Map<string, number>;
  onSeek: (seconds: number) => void;
}

/** Text with the occurrences of `query` marked. */
function Marked({ text, query }: { text: string; query: string }) {
  return (
    <>{splitMatches(text, query).map((piece, i) => (piece.match ? <mark key={i}>{piece.text}</mark> : piece.text))}</>
  );
}

/** A segment's words, the one being spoken highlighted. */
function Words({ segment, words, time }: { segment: Segment; words: Word[]; time: number }) {
  const current = indexAt(words, time);
  const separator = segment.text.includes(' ') ? ' ' : '';
  return (
    <>
      {words.map((word, i) => (
        <Fragment key={i}>
          {i > 0 && separator}
          <span class={i === current ? 'word current' : 'word'}>{word.word}</span>
        </Fragment>
      ))}
    </>
  );
}

/**
 * The transcript's segments with their times (and speakers, in colours). Each is a button that
 * moves the player to its start; the segment (and word) being played is highlighted.
 */
export function SegmentList({ segments, shown, time, query, follow, colours, onSeek }: Props) {
  const current = indexAt(segments, time);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (follow && current >= 0) list.current?.querySelector('.segment.current')?.scrollIntoView({ block: 'nearest' });
  }, [follow, current]);
  return (
    <ol class="segments" ref={list}>
      {segments.map((segment, i) =>
        shown && !shown.has(segment) ? null : (
          <li key={`${segment.id}-${segment.start}`}>
            <button
              type="button"
              class={i === current ? 'segment current' : 'segment'}
              aria-current={i === current ? 'true' : undefined}
              data-start={segment.start}
              title={t('seekTo', { time: clock(segment.start) })}
              onClick={() => onSeek(segment.start)}
            >
              <span class="segment-time">{clock(segment.start)}</span>
              {segment.speaker && (
                <span class={`speaker speaker-${colours.get(segment.speaker) ?? 0}`}>{segment.speaker}</span>
              )}
              <span class="segment-text">
                {segment.words?.length && !query ? (
                  <Words segment={segment} words={segment.words} time={i === current ? time : -1} />
                ) : (
                  <Marked text={segment.text.trim()} query={query} />
                )}
              </span>
            </button>
          </li>
        ),
      )}
    </ol>
  );
}
