import { useState } from 'preact/hooks';
import { auth, saveKey } from '../api/auth';
import { t } from '../i18n';
import { useStore } from '../lib/store';

/** Asks for an API key after the API answered 401; the key is kept in this browser (localStorage). */
export function KeyPrompt() {
  const { key, message } = useStore(auth);
  const [value, setValue] = useState('');
  return (
    <section class="card narrow" aria-labelledby="key-title">
      <h1 id="key-title">{t('keyTitle')}</h1>
      <p>{t('keyExplain')}</p>
      {message && (
        <p class={key ? 'error' : 'muted'} role="alert">
          {key ? t('keyRefused', { message }) : message}
        </p>
      )}
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) saveKey(value);
        }}
      >
        <div class="field">
          <label for="api-key">{t('keyLabel')}</label>
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
          <p class="hint">{t('keyStored')}</p>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {t('keySave')}
          </button>
        </div>
      </form>
    </section>
  );
}
