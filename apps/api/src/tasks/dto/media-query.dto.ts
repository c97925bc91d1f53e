import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ToBoolean } from './transforms';

/** Query of `GET /api/v1/tasks/{id}/media`. */
export class MediaQueryDto {
  @ApiPropertyOptional({
    description:
      'true: `Content-Disposition: inline`, for a player (`<audio>`/`<video>`), when the media is an audio or video type; anything else is always an attachment.',
    default: false,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  inline?: boolean;
}
