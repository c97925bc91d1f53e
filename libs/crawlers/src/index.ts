export { CrawlersModule } from './crawlers.module';
export { LINK_ERROR_CODES, LinkError, type LinkErrorCode } from './link-error';
export { ACCEPTED_LINK_FORMS, LinkResolverService } from './link-resolver.service';
export { type LinkResolver, type LinkTarget, type Platform, PLATFORM_NAMES, PLATFORMS, type ResolvedMedia, type ShareLink } from './resolved-media';
