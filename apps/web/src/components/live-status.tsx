import { t } from '../i18n';
import { clock } from '../lib/format';
import type { LiveTask } from '../lib/use-live-task';
import { ProgressBar } from './progress-bar';

/** A rounded, readable time left: seconds under a minute, else minutes. */
function timeLeft(seconds: number): string {
  if (seconds < 60) return t('secondsLeft', { seconds: Math.max(1, Math.round(seconds)) });
  return t('minutesLeft', { minutes: Math.round(seconds / 60) });
}

/** A task followed live: its status (announced), a progress bar with the time left, and the segments so far. */
export function LiveStatus({ live }: { live: LiveTask }) {
  const done = live.status === 'completed';
  const progress = done ? 100 : live.progress;
  return (
    <section class="card live" aria-labelledby="live-title">
      <h2 id="live-title" class="visually-hidden">
        {t('liveTitle')}
      </h2>
      <p class="live-status" role="status" aria-live="polite">
        {t(`live_${live.status}`)}
      </p>
      {live.status !== 'failed' && live.status !== 'cancelled' && (
        <div class="live-progress">
          <ProgressBar id="task-progress" value={progress} label={t('progress')} />
          <span class="muted">
            {Math.round(progress)} %{live.eta !== null && !done ? ` · ${timeLeft(live.eta)}` : ''}
          </span>
        </div>
      )}
      {live.failure && <p class="error">{t('liveFailed', { message: live.failure })}</p>}
      {!done && live.segments.length > 0 && (
        <ol class="segments live-segments" aria-label={t('segmentsSoFar')}>
          {live.segments.map((segment) => (
            <li key={`${segment.id}-${segment.start}`} class="segment">
              <span class="segment-time">{clock(segment.start)}</span>
              <span class="segment-text">{segment.text.trim()}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
