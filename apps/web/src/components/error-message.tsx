import type { ApiError } from '../api/client';
import { t } from '../i18n';

/** The text to show for an error: the API's `message`, or a translated line when no answer came. */
export function errorText(error: ApiError): string {
  return error.status === 0 ? t('networkError') : error.message;
}

/** An error, announced to screen readers; nothing when there is none. */
export function ErrorMessage({ error }: { error: ApiError | undefined | null }) {
  if (!error || error.code === 'aborted') return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}
