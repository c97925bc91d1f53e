interface Props {
  id: string;
  label: string;
  /** The text in the field ('' when empty). */
  value: string;
  onInput: (value: string) => void;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  /** The on-screen keyboard: whole numbers (the default) or decimals. */
  inputMode?: 'numeric' | 'decimal';
  /** Label and field on one line (`.field.inline`) rather than stacked. */
  inline?: boolean;
}

/** A labelled number field; its value stays text, so that an empty field means "not set". */
export function NumberField({ id, label, value, onInput, inputMode = 'numeric', inline = false, ...limits }: Props) {
  return (
    <div class={inline ? 'field inline' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={inputMode}
        {...limits}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
    </div>
  );
}
