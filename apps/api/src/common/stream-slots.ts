import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Principal } from '../auth/principal';

/** The key of requests without a principal (no API_KEYS configured): they all share one count. */
const OPEN_SERVICE = '';

/**
 * Counts the live event streams this api node holds open (`GET /api/v1/tasks/{id}/events` and
 * OpenAI `stream=true`), per API key and in all, against EVENT_STREAMS_PER_KEY and
 * EVENT_STREAMS_MAX. A stream holds its slot until its response closes (ended by the server, or
 * the client went away). Without API keys configured, every client counts as one key.
 */
@Injectable()
export class StreamSlots {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(private readonly config: HarkConfig) {}

  /**
   * Takes a slot for `response`'s stream, given back when the response closes.
   * @throws HarkError `too_many_streams` (429, Retry-After) when the key or the node is at its cap
   */
  hold(response: Response, principal?: Principal): void {
    const key = principal?.name ?? OPEN_SERVICE;
    const held = this.perKey.get(key) ?? 0;
    if (held >= this.config.eventStreamsPerKey)
      throw new HarkError(
        'too_many_streams',
        `${principal ? `API key ${principal.name}` : 'This service (no API_KEYS, so all clients count as one key)'} already has ${held} live event streams open on this api node, the most EVENT_STREAMS_PER_KEY=${this.config.eventStreamsPerKey} allows. Close a stream you no longer read (GET /api/v1/tasks/{id}/events, or a stream=true transcription), poll GET /api/v1/tasks/{id} instead, or raise EVENT_STREAMS_PER_KEY.`,
      );
    if (this.total >= this.config.eventStreamsMax)
      throw new HarkError(
        'too_many_streams',
        `This api node has ${this.total} live event streams open, the most EVENT_STREAMS_MAX=${this.config.eventStreamsMax} allows. Try again after Retry-After, poll GET /api/v1/tasks/{id} instead, or raise EVENT_STREAMS_MAX (or add api nodes).`,
      );
    this.perKey.set(key, held + 1);
    this.total++;
    response.once('close', () => {
      this.total--;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
    });
  }
}
