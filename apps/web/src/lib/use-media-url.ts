import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth';
import type { ApiError } from '../api/client';
import { send, withQuery } from '../api/client';
import { taskPath } from '../api/tasks';

/** Where the player gets a task's media: a URL, or the error that kept it from loading. */
export interface MediaUrl {
  url: string | null;
  error: ApiError | null;
}

/**
 * The URL of a task's media for an audio/video element. Without an API key it is the media route
 * itself (the browser streams it with Range requests). With a key the element could not send the
 * Authorization header, so the file is fetched with it into a Blob and played from an object URL.
 * Either way it asks for `?inline=true` (the route answers an attachment otherwise).
 */
export function useMediaUrl(id: string, available: boolean): MediaUrl {
  const [state, setState] = useState<MediaUrl>({ url: null, error: null });
  useEffect(() => {
    if (!available) return setState({ url: null, error: null });
    const path = withQuery(taskPath(id, 'media'), { inline: 'true' });
    if (!auth.get().key) return setState({ url: path, error: null });
    let objectUrl: string | null = null;
    let cancelled = false;
    const controller = new AbortController();
    send(path, { signal: controller.signal })
      .then((response) => response.blob())
      .then(
        (blob) => {
          if (cancelled) return;
          objectUrl = URL.createObjectURL(blob);
          setState({ url: objectUrl, error: null });
        },
        (error: ApiError) => !cancelled && setState({ url: null, error }),
      );
    return () => {
      cancelled = true;
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id, available]);
  return state;
}
