import { Module } from '@nestjs/common';
import { LinkResolverService } from './link-resolver.service';

/** Provides `LinkResolverService` (needs the global `HarkConfig`). */
@Module({ providers: [LinkResolverService], exports: [LinkResolverService] })
export class CrawlersModule {}
