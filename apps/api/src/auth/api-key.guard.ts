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
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { apiKeyId, bearerToken, matchApiKey } from './api-keys';

/** Routes that need a key when API_KEYS is set: the task API and the OpenAI-compatible API. */
const PROTECTED = /^\/(api|v1)\//;

/** Request with the id of the key that authenticated it (undefined when the service is open). */
export type KeyedRequest = Request & { apiKeyId?: string };

/**
 * API keys and the per-key request rate: with API_KEYS set, /api/* and /v1/* need
 * `Authorization: Bearer <key>` (401 otherwise); RATE_LIMIT_PER_MINUTE requests per key and minute
 * are counted in Redis (shared by every api node), above it 429 with Retry-After.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private redis?: Redis;
  private limiter?: RateLimiterRedis;

  constructor(private readonly config: HarkConfig) {}

  onModuleInit(): void {
    if (!this.config.apiKeys.length) {
      this.logger.warn('No API_KEYS configured: the API is open to anyone who can reach it.');
    }
    if (this.config.rateLimitPerMinute > 0) {
      this.redis = new Redis(this.config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.config.queuePrefix}:rate`,
        points: this.config.rateLimitPerMinute,
        duration: 60,
      });
    }
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    if (!PROTECTED.test(request.path)) return true;
    if (this.config.apiKeys.length) {
      const token = bearerToken(request.headers.authorization);
      const key = token ? matchApiKey(token, this.config.apiKeys) : null;
      if (!key) {
        throw new HarkError(
          'invalid_api_key',
          token ? 'Invalid API key.' : 'Missing API key: send it as "Authorization: Bearer <key>".',
        );
      }
      request.apiKeyId = apiKeyId(key);
    }
    if (this.limiter)
      await this.consume(request.apiKeyId ?? request.ip ?? 'anonymous', context.switchToHttp().getResponse<Response>());
    return true;
  }

  private async consume(subject: string, response: Response): Promise<void> {
    try {
      await this.limiter!.consume(subject);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection; // Redis error: let it surface
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader('Retry-After', String(seconds));
      throw new HarkError(
        'rate_limit_exceeded',
        `Rate limit of ${this.config.rateLimitPerMinute} requests per minute reached; retry in ${seconds} s.`,
      );
    }
  }
}
