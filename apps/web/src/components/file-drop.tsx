import { useState } from 'preact/hooks';
import { locale, t } from '../i18n';
import { fileSize } from '../lib/format';

/**
 * A file picker that also takes a dropped file: a label around a visually hidden file input, so
 * a click, Enter/Space on the focused input, and drag-and-drop all work.
 */
export function FileDrop({ file, onFile }: { file: File | null; onFile: (file: File | null) => void }) {
  const [over, setOver] = useState(false);
  return (
    <label
      class={over ? 'drop over' : 'drop'}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const dropped = event.dataTransfer?.files[0];
        if (dropped) onFile(dropped);
      }}
    >
      <input
        id="file"
        class="visually-hidden"
        type="file"
        accept="audio/*,video/*"
        onChange={(event) => onFile(event.currentTarget.files?.[0] ?? null)}
      />
      <span class="drop-title">{file ? file.name : t('dropTitle')}</span>
      <span class="hint">{file ? fileSize(file.size, locale) : t('dropHint')}</span>
    </label>
  );
}
