import { HarkConfig } from '@app/config';
import { isEntryId, isFinal, statusEvent, type TaskEntity, TaskEvents, type TaskEvent } from '@app/tasks';
import { BadRequestException, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { StreamSlots } from '../common/stream-slots';

/** One server-sent event (WHATWG HTML, "Server-sent events"): `id`, `event`, one-line JSON `data`. */
function frame(id: string | undefined, event: TaskEvent): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

const endsStream = (event: TaskEvent) => event.type === 'status' && isFinal(event.status);

/**
 * Serves a task's live events as server-sent events: a `status` snapshot from Postgres first (on a
 * fresh connection), then the stored events and new ones as they come (`status`, `progress`,
 * `segment`), each with its id; a client that reconnects with `Last-Event-ID` continues after it.
 * Events travel through Redis, so any api node serves any task. Keep-alive comments every
 * EVENTS_KEEPALIVE_MS; the stream ends after the final status (completed, failed, cancelled).
 * Each open stream holds one of the key's and the node's slots (`StreamSlots`) until it closes.
 */
@Injectable()
export class TaskEventsStream {
  constructor(
    private readonly events: TaskEvents,
    private readonly config: HarkConfig,
    private readonly slots: StreamSlots,
  ) {}

  /**
   * Streams `task`'s events on `response` until the final status or the client goes away.
   * @throws BadRequestException when Last-Event-ID is not an event id
   * @throws HarkError `too_many_streams` (429) at EVENT_STREAMS_PER_KEY or EVENT_STREAMS_MAX
   */
  async serve(task: TaskEntity, request: Request, response: Response, principal?: Principal): Promise<void> {
    const lastEventId = request.header('last-event-id')?.trim() || undefined;
    if (lastEventId !== undefined && !isEntryId(lastEventId))
      throw new BadRequestException(
        `Last-Event-ID must be the id of an event this stream sent (\`<ms>-<seq>\`, e.g. 1732262400000-0), not ${JSON.stringify(lastEventId.slice(0, 60))}. Send the last \`id:\` you received, or no Last-Event-ID to start from the beginning.`,
      );
    this.slots.hold(response, principal);
    response.status(200);
    response.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    });
    response.flushHeaders();
    if (!lastEventId) response.write(frame(undefined, statusEvent(task)));
    const closed = new AbortController();
    request.on('close', () => closed.abort());
    try {
      if (isFinal(task.status)) {
        // Finished: what is stored after the client's last event, then the end (nothing new will come).
        for (const { id, event } of await this.events.since(task.id, lastEventId ?? '0'))
          response.write(frame(id, event));
        return;
      }
      for await (const stored of this.events.read(
        task.id,
        lastEventId ?? '0',
        this.config.eventsKeepaliveMs,
        closed.signal,
      )) {
        if (!stored) {
          response.write(': keep-alive\n\n');
          continue;
        }
        response.write(frame(stored.id, stored.event));
        if (endsStream(stored.event)) return;
      }
    } finally {
      closed.abort();
      response.end();
    }
  }
}
