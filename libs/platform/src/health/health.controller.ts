import { Controller, Get, Injectable } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KafkaAdmin } from '@o2c/messaging';

@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly admin: KafkaAdmin,
  ) {}

  /** Up when the cluster describes itself within the timeout (connecting included). */
  isHealthy(key: string, timeoutMs = 3_000) {
    return this.indicator
      .check(key)
      .attempt(async () => {
        const cluster = await (await this.admin.get()).describeCluster();
        return { brokers: cluster.brokers.length };
      })
      .withTimeout(timeoutMs);
  }
}

/** `live`: the process answers. `ready`: it can reach its database and Kafka, so it can take work. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process answers' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'It reaches its database and Kafka, so it can take work (503 otherwise)' })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(2_000),
      () => this.kafka.isHealthy('kafka'),
    ]);
  }
}
