import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

/** The console needs nothing but its process to answer: each page says which service it cannot reach. */
@ApiTags('health')
@Controller('health')
export class HealthHttpController {
  @Get('live')
  @ApiOperation({ summary: 'The console process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The console serves its pages and API (the services are checked by each call)' })
  ready(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
