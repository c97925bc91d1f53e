import { Module } from '@nestjs/common';
import { HttpClient } from './http-client';

/** Provides `HttpClient` (no configuration: every limit is an option of each call). */
@Module({ providers: [HttpClient], exports: [HttpClient] })
export class HttpClientModule {}
