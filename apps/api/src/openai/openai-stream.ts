import { type Segment, separatorBefore } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { isFinal, type TaskEntity, TaskEvents } from '@app/tasks';
import { GatewayTimeoutException, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { toErrorResponse } from '../common/error-response';
import { openAiErrorBody } from './openai-exception.filter';
import { formatOpenAiResult } from './openai-format';
import type { OpenAiResponseFormat } from './openai.dto';
import { GetTask, TaskCommand } from '../tasks/usecases';
import { OpenAiService, taskNotCompleted, waitLimitPassed } from './openai.service';

/**
 * One event of OpenAI's streamed transcription as a server-sent event: a `data:` line of JSON and
 * no `event:` field, as OpenAI sends them (the official clients read the type from the JSON).
 */
function frame(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The deltas sent so far: which segment ids they covered (a resumed or retried task sends some again). */
class Deltas {
  private lastId = -1;
  private sent = false;

  constructor(
    private readonly response: Response,
    private readonly language: string | null,
  ) {}

  /** Sends `transcript.text.delta` for a segment not sent yet (ids grow through a transcript). */
  send(segment: Segment): void {
    if (segment.id <= this.lastId || !segment.text) return;
    this.lastId = segment.id;
    const delta = separatorBefore(segment.text, !this.sent, this.language) + segment.text;
    this.sent = true;
    this.response.write(frame({ type: 'transcript.text.delta', delta }));
  }
}

/**
 * `POST /v1/audio/transcriptions` with `stream=true`: follows the task and answers
 * `text/event-stream` in OpenAI's shape (OpenAI API reference, "Create transcription" →
 * "Stream events"): a `transcript.text.delta` for each segment as the processor decodes it (from
 * the task's live events, `TaskEvents`; the deltas joined are the text), then, once the task is
 * completed, `transcript.text.segment` for each final segment with `response_format=diarized_json`
 * (speakers are known only at the end) and `transcript.text.done` with the whole text. A failure,
 * cancellation or OPENAI_WAIT_MS passing is `data: {"error": …}` in OpenAI's error shape (the
 * official clients throw it as an APIError). Keep-alive comments every EVENTS_KEEPALIVE_MS, at
 * which the task's row is also read, so a lost final event still ends the stream.
 */
@Injectable()
export class OpenAiTranscriptionStream {
  private readonly logger = new Logger('OpenAI');

  constructor(
    private readonly events: TaskEvents,
    private readonly openai: OpenAiService,
    private readonly getTask: GetTask,
    private readonly config: HarkConfig,
  ) {}

  async serve(
    task: TaskEntity,
    format: OpenAiResponseFormat,
    request: Request,
    response: Response,
    principal?: Principal,
  ): Promise<void> {
    response.status(200);
    response.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    const closed = new AbortController();
    request.on('close', () => closed.abort());
    const deltas = new Deltas(response, task.languageRequested);
    try {
      const done = isFinal(task.status) ? task : await this.follow(task, deltas, response, closed.signal, principal);
      if (closed.signal.aborted) return;
      if (done.status !== 'completed') throw taskNotCompleted(done);
      const result = done.result!;
      for (const segment of result.segments) deltas.send(segment);
      if (format === 'diarized_json') {
        const { body } = formatOpenAiResult(done, 'diarized_json') as { body: { segments: object[] } };
        for (const segment of body.segments) response.write(frame(segment));
      }
      response.write(frame({ type: 'transcript.text.done', text: result.text }));
    } catch (error) {
      if (closed.signal.aborted) return;
      const { body } = toErrorResponse(error, this.config.maxUploadBytes);
      if (body.message === 'Internal server error')
        this.logger.error(`Streamed transcription of task ${task.id} failed`, (error as Error).stack);
      response.write(frame(openAiErrorBody(body)));
    } finally {
      closed.abort();
      response.end();
    }
  }

  /**
   * Sends a delta per decoded segment until the task is final; returns the task as stored then.
   * Without live events (Redis away) it waits on the task's row instead.
   * @throws 504 when OPENAI_WAIT_MS passes
   */
  private async follow(
    task: TaskEntity,
    deltas: Deltas,
    response: Response,
    signal: AbortSignal,
    principal?: Principal,
  ): Promise<TaskEntity> {
    const deadline = Date.now() + this.config.openAiWaitMs;
    const keepaliveMs = Math.min(this.config.eventsKeepaliveMs, this.config.openAiWaitMs);
    const final = async () => {
      const current = await this.getTask.execute(TaskCommand.create({ id: task.id, principal }));
      return isFinal(current.status) ? current : null;
    };
    try {
      for await (const stored of this.events.read(task.id, '0', keepaliveMs, signal)) {
        if (stored?.event.type === 'segment') deltas.send(stored.event.segment);
        else if (stored?.event.type === 'status' && isFinal(stored.event.status)) {
          const done = await final();
          if (done) return done;
        } else if (!stored) {
          response.write(': keep-alive\n\n');
          const done = await final();
          if (done) return done;
          if (Date.now() >= deadline) throw waitLimitPassed(task.id, this.config.openAiWaitMs);
        }
      }
      return task; // the client went away
    } catch (error) {
      if (signal.aborted || error instanceof GatewayTimeoutException) throw error;
      this.logger.warn(`Task ${task.id}: live events unavailable (${(error as Error).message}); waiting on the task`);
      return this.openai.waitFor(task, principal);
    }
  }
}
