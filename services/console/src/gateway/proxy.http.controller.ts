import {
  All,
  BadRequestException,
  Controller,
  Param,
  PayloadTooLargeException,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Allow, IsIn } from 'class-validator';
import { type Request, type Response } from 'express';
import { SERVICES, type ServiceName, Upstreams } from './upstreams';

export class ProxyParams {
  @IsIn(SERVICES, { message: `service must be one of ${SERVICES.join(', ')}` })
  service!: ServiceName;

  /** The rest of the path, taken from the URL as sent. */
  @Allow()
  path?: unknown;
}

/** Largest body passed on (the services' own limit). */
const MAX_BODY_BYTES = 1024 * 1024;
const ANSWER_HEADERS = [
  'content-type',
  'content-disposition',
  'idempotent-replayed',
  'www-authenticate',
  'retry-after',
];

async function bodyOf(request: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeException('The body is over 1 MiB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * `/api/<service>/<path>` is `<path>` of that service, with the operator's `Authorization` passed on as it came:
 * the console has no credential of its own, so what an operator may do is what their token allows.
 */
@ApiTags('services')
@Controller('api')
export class ProxyHttpController {
  constructor(private readonly upstreams: Upstreams) {}

  @All(':service/*path')
  @ApiOperation({
    summary:
      "Any route of one of the four services (their OpenAPI documents in docs/api), with the caller's credential",
  })
  @ApiParam({ name: 'service', enum: SERVICES })
  @ApiParam({ name: 'path', type: String, description: 'The route of the service, e.g. v1/deals' })
  async forward(
    @Param() params: ProxyParams,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The rest of the URL as sent, after the service's segment however it was written (`/api/d%65als/…` too): it
    // always starts with `/`, so it can only ever name a path of that service's own origin.
    const pathAndQuery = request.originalUrl.replace(/^\/api\/[^/?#]*/i, '');
    if (!pathAndQuery.startsWith('/')) throw new BadRequestException('The path of the service is missing');
    const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method);
    const answer = await this.upstreams.request(params.service, pathAndQuery, {
      method: request.method,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      accept: request.headers.accept,
      body: hasBody ? await bodyOf(request) : undefined,
    });
    response.status(answer.status);
    for (const name of ANSWER_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) response.setHeader(name, value);
    }
    // A Location of the service (a bill run's) is a path of the console's API too.
    const location = answer.headers.get('location');
    if (location !== null)
      response.setHeader(
        'location',
        location.startsWith('/') ? `/api/${params.service}${location}` : location,
      );
    response.end(answer.body);
  }
}
