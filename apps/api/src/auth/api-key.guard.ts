import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { authenticate } from './api-keys';
import type { AuthenticatedRequest } from './principal';
import { IS_PUBLIC } from './public.decorator';

/** How long the rate limiter waits for Redis before answering 503, in ms. */
const REDIS_TIMEOUT_MS = 2000;

/**
 * Authentication, denied by default, and the request rate per key. Applied to every Nest route
 * (global guard): unless a route is declared `@Public()`, with API keys configured it needs
 * `Authorization: Bearer <key>` (401 otherwise) and the request gets the key's `Principal`.
 * Routes are chosen by Nest's router (metadata of the handler that matched), never by matching
 * the path here, so every spelling Express routes to a handler (any letter case, a trailing
 * slash, HEAD for GET) is checked alike. RATE_LIMIT_PER_MINUTE requests per key name and minute
 * are counted in Redis (shared by every api node): above it 429 with Retry-After; Redis
 * unreachable → 503 with Retry-After. Errors are thrown inside the route, so the controller's
 * filter gives them its shape (OpenAI's on /v1).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private redis?: Redis;
  private limiter?: RateLimiterRedis;
  /** Whether the last count failed for want of Redis (an outage is logged once, when it starts and ends). */
  private redisFailing = false;

  constructor(
    private readonly config: HarkConfig,
    private readonly reflector: Reflector,
  ) {}

  async onModuleInit(): Promise<void> {
    const keys = this.config.apiKeys;
    if (!keys.length) {
      this.logger.warn('No API_KEYS configured: the API is open to anyone who can reach it.');
    } else {
      const names = (admin: boolean) =>
        keys
          .filter((key) => key.admin === admin)
          .map((key) => key.name)
          .join(', ') || 'none';
      this.logger.log(`API keys: ${names(false)}; admin keys: ${names(true)}`);
    }
    if (this.config.rateLimitPerMinute > 0) {
      this.redis = new Redis(this.config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: REDIS_TIMEOUT_MS,
      });
      this.redis.on('error', () => undefined); // reported per request (503), not as unhandled events
      this.limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.config.queuePrefix}:rate`,
        points: this.config.rateLimitPerMinute,
        duration: 60,
        rejectIfRedisNotReady: true,
      });
      await this.connected(this.redis);
    }
  }

  /** Waits (at most REDIS_TIMEOUT_MS) for the first connection, so the first requests are not refused for want of it. */
  private async connected(redis: Redis): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((done) => {
      timer = setTimeout(done, REDIS_TIMEOUT_MS);
      redis.once('ready', done);
    });
    clearTimeout(timer);
    if (redis.status !== 'ready') this.redisAnswered(false, new Error(`not connected after ${REDIS_TIMEOUT_MS} ms`));
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = authenticate(request.headers.authorization, this.config.apiKeys);
    if (this.limiter) {
      const subject = request.principal ? `key:${request.principal.name}` : `ip:${request.ip ?? 'unknown'}`;
      await this.consume(subject, context.switchToHttp().getResponse<Response>());
    }
    return true;
  }

  /**
   * Counts one request of `subject` (a key name, or the client address of an open service).
   * @throws HarkError `rate_limit_exceeded` (429, Retry-After) over the limit; `dependency_unavailable`
   *   (503, Retry-After) when Redis does not answer
   */
  private async consume(subject: string, response: Response): Promise<void> {
    try {
      await this.limiter!.consume(subject);
      this.redisAnswered(true);
    } catch (rejection) {
      this.redisAnswered(rejection instanceof RateLimiterRes, rejection);
      if (!(rejection instanceof RateLimiterRes)) {
        throw new HarkError(
          'dependency_unavailable',
          'Redis, which counts requests against RATE_LIMIT_PER_MINUTE, is unreachable right now; retry in a few seconds.',
          true,
        );
      }
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader('Retry-After', String(seconds));
      throw new HarkError(
        'rate_limit_exceeded',
        `Rate limit of ${this.config.rateLimitPerMinute} requests per minute reached; retry in ${seconds} s.`,
      );
    }
  }

  /** Logs when the limiter's Redis stops answering, and when it answers again (once each). */
  private redisAnswered(answered: boolean, error?: unknown): void {
    if (answered === !this.redisFailing) return;
    this.redisFailing = !answered;
    if (answered) this.logger.log('Rate limiter: Redis answers again');
    else
      this.logger.warn(
        `Rate limiter: Redis does not answer (${error instanceof Error ? error.message : String(error)}); requests get 503 until it does`,
      );
  }
}
