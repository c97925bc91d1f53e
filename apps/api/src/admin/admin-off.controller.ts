import { All, Controller, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { ADMIN_ROUTE } from './admin.module';

/** What `/admin/queues` answers while the admin UI is off. */
export const ADMIN_OFF_MESSAGE = `The admin UI (Bull Board) is off: set ADMIN_USER and ADMIN_PASSWORD and restart the api to enable it at ${ADMIN_ROUTE} (HTTP basic auth with those credentials).`;

/**
 * Stands in for Bull Board while the admin UI is off (ADMIN_USER / ADMIN_PASSWORD unset): every
 * method and path under /admin/queues answers 404 with a body that says the UI is off and names
 * the variables that turn it on, instead of Express's bare "Cannot GET /admin/queues". Registered
 * only when admin is off. `@Public()`: the admin UI never takes API keys (it has its own basic auth),
 * so with API_KEYS set a 401 would hide the real answer from the person who opened the page in a
 * browser; and the answer reveals nothing secret (variable names the README documents, no data).
 * Not in the OpenAPI document, which is the same whatever the configuration.
 */
@ApiExcludeController()
@Public()
@Controller(ADMIN_ROUTE)
export class AdminOffController {
  /** Any request under /admin/queues: 404, saying how to turn the admin UI on. */
  @All(['', '*path'])
  off(): never {
    throw new NotFoundException(ADMIN_OFF_MESSAGE);
  }
}
