export { CrawlersModule } from './crawlers.module';
export { LinkError, type LinkErrorCode } from './link-error';
export { ACCEPTED_LINK_FORMS, LinkResolverService } from './link-resolver.service';
export { type LinkResolver, type Platform, PLATFORMS, type ResolvedMedia, type ShareLink } from './resolved-media';
