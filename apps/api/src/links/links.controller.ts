import { ACCEPTED_LINK_FORMS, LinkResolverService, type Platform } from '@app/crawlers';
import { LINK_ERROR_CODES } from '@app/errors';
import { Body, Controller, Get, HttpCode, Post, Query, UseInterceptors } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { ErrorBodyDto } from '../common/error-body';
import { CreateLinkTaskDto } from '../tasks/dto/create-task.dto';
import { TaskDto } from '../tasks/dto/task.dto';
import { CreateTask, CreateTaskCommand } from '../tasks/usecases';
import { ResolvedLinkDto, ResolveLinkQueryDto } from './resolved-link.dto';
import { Requires } from '../common/requires.decorator';

const CODES = `Failure codes: ${LINK_ERROR_CODES.join(', ')}.`;

/** Swagger description of a platform's task route, from the link forms the resolver accepts. */
const accepts = (platform: Platform) =>
  `Accepts ${ACCEPTED_LINK_FORMS[platform].join(', ')}, or a share text containing one. The processor resolves the link, downloads the video and transcribes it. ${CODES}`;

/** Share links: tasks for a named platform, and resolving a link without a task (previews). */
@ApiTags('links')
@Controller('api/v1')
export class LinksController {
  constructor(
    private readonly createTask: CreateTask,
    private readonly links: LinkResolverService,
  ) {}

  @Post('tiktok/tasks')
  @Requires('postgres')
  @HttpCode(201)
  @UseInterceptors(NoFilesInterceptor())
  @ApiOperation({
    summary: 'Create a task from a TikTok link',
    description: accepts('tiktok'),
  })
  @ApiConsumes('application/json', 'multipart/form-data', 'application/x-www-form-urlencoded')
  @ApiBody({
    type: CreateLinkTaskDto,
    examples: {
      link: { value: { url: 'https://www.tiktok.com/@hark.demo/video/7301234567890123456', language: 'en' } },
    },
  })
  @ApiCreatedResponse({
    type: TaskDto,
    description: 'The task, queued, with `source: "link"` and `platform: "tiktok"`.',
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'No TikTok link in `url` (`code: unsupported_link`), or an invalid option.',
  })
  createTikTok(@Body() body: CreateLinkTaskDto, @Principal() principal?: Principal): Promise<TaskDto> {
    return this.createFor('tiktok', body, principal);
  }

  @Post('douyin/tasks')
  @Requires('postgres')
  @HttpCode(201)
  @UseInterceptors(NoFilesInterceptor())
  @ApiOperation({
    summary: 'Create a task from a Douyin link',
    description: accepts('douyin'),
  })
  @ApiConsumes('application/json', 'multipart/form-data', 'application/x-www-form-urlencoded')
  @ApiBody({
    type: CreateLinkTaskDto,
    examples: {
      shareText: {
        value: {
          url: '7.43 复制打开抖音，看看【哈克演示的作品】不要问国家能为你做什么 https://v.douyin.com/iRNBho6u/ Mjc:/',
          language: 'zh',
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: TaskDto,
    description: 'The task, queued, with `source: "link"` and `platform: "douyin"`.',
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'No Douyin link in `url` (`code: unsupported_link`), or an invalid option.',
  })
  createDouyin(@Body() body: CreateLinkTaskDto, @Principal() principal?: Principal): Promise<TaskDto> {
    return this.createFor('douyin', body, principal);
  }

  @Get('links/resolve')
  @ApiOperation({
    summary: 'Resolve a share link without creating a task (preview)',
    description: `Asks the platform now (each request at most LINK_RESOLVE_TIMEOUT_MS) and returns the post's metadata and media URL. ${CODES}`,
  })
  @ApiOkResponse({ type: ResolvedLinkDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description:
      '`unsupported_link`: no TikTok or Douyin post link in `url`, or a short link to something that is not a video.',
  })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: '`login_required`: the post needs a logged-in session (set the platform cookie).',
  })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: '`not_found`: the post is deleted or private, or the short link is unknown.',
  })
  @ApiResponse({
    status: 451,
    type: ErrorBodyDto,
    description: "`region_blocked`: not available in this server's region (set the platform proxy).",
  })
  @ApiTooManyRequestsResponse({
    type: ErrorBodyDto,
    description: '`rate_limited`: the platform is rate limiting this server (Retry-After).',
  })
  @ApiBadGatewayResponse({
    type: ErrorBodyDto,
    description: '`empty_response`, `unexpected_format` or `network_error`: the platform answered nothing usable.',
  })
  async resolve(@Query() query: ResolveLinkQueryDto): Promise<ResolvedLinkDto> {
    const link = this.links.find(query.url);
    return ResolvedLinkDto.from(link.url, await this.links.resolve(link));
  }

  private async createFor(platform: Platform, body: CreateLinkTaskDto, principal?: Principal): Promise<TaskDto> {
    const media = { link: this.links.find(body.url, platform) };
    const { task } = await this.createTask.execute(CreateTaskCommand.create({ media, options: body, principal }));
    return TaskDto.from(task);
  }
}
