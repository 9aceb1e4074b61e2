import { Controller, Get, Injectable } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InboxConsumer, KafkaAdmin } from '@o2c/messaging';

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

/**
 * How long a readiness check waits for a consumer that is joining its group (the first seconds after start)
 * before it answers 503. A probe with a shorter timeout sees a join in progress as not ready, as it is.
 */
export const GROUP_JOIN_WAIT_MS = 5_000;

@Injectable()
export class ConsumerGroupHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly consumer: InboxConsumer,
  ) {}

  /** Up when the service's consumer is a member of its group, or when it consumes nothing. */
  async isHealthy(key: string, waitMs = GROUP_JOIN_WAIT_MS) {
    const check = this.indicator.check(key);
    const consuming = this.consumer.consuming;
    if (!consuming) return check.up({ consuming: false });
    return (await this.consumer.whenJoined(waitMs))
      ? check.up({ group: consuming.groupId })
      : check.down({ group: consuming.groupId, message: 'the consumer has not joined its group' });
  }
}

/**
 * `live`: the process answers. `ready`: it can reach its database and Kafka and its consumer is a member of
 * its group, so it can take work.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly consumerGroup: ConsumerGroupHealthIndicator,
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
      () => this.consumerGroup.isHealthy('consumer'),
    ]);
  }
}
