/** A labelled progress bar (0–100), readable by assistive technology through its aria values. */
export function ProgressBar({ value, label, id }: { value: number; label: string; id?: string }) {
  const percent = Math.max(0, Math.min(100, value));
  return (
    <div
      id={id}
      class="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(percent)}
    >
      <div class="progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
