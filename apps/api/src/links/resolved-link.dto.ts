import type { ResolvedMedia } from '@app/crawlers';
import { toLinkMetadata } from '@app/tasks';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { EmptyToUndefined } from '../tasks/dto/transforms';
import { LinkMetadataDto } from '../tasks/dto/task.dto';

/** Query of `GET /api/v1/links/resolve`. */
export class ResolveLinkQueryDto {
  @ApiProperty({
    description: 'A TikTok or Douyin share link, or a share text containing one.',
    example: 'https://vm.tiktok.com/ZS8hark01/',
  })
  @EmptyToUndefined()
  @IsString({ message: 'url is required: a TikTok or Douyin share link, or a share text containing one' })
  @IsNotEmpty()
  @MaxLength(4096)
  url: string;
}

/** A resolved share link: the post's metadata and where its media is. */
export class ResolvedLinkDto extends LinkMetadataDto {
  @ApiProperty({
    description: 'The link that was resolved (found in the input, https).',
    example: 'https://vm.tiktok.com/ZS8hark01/',
  })
  url: string;

  @ApiProperty({
    description:
      'The media file. Signed by the platform: it expires within hours and is served only with `media_headers` (and, for TikTok, the cookies the page set, which are not shown).',
    example:
      'https://v16-webapp-prime.tiktok.com/video/tos/useast2a/tos-useast2a-ve-0068c001/o4hark01play/?a=1988&mime_type=video_mp4',
  })
  media_url: string;

  @ApiProperty({
    description: 'Headers the media download needs besides cookies (User-Agent, Referer).',
    example: { 'user-agent': 'Mozilla/5.0 …', referer: 'https://www.tiktok.com/' },
  })
  media_headers: Record<string, string>;

  static from(url: string, media: ResolvedMedia): ResolvedLinkDto {
    const { cookie: _cookie, ...headers } = media.headers;
    return { url, ...toLinkMetadata(media), media_url: media.mediaUrl, media_headers: headers };
  }
}
