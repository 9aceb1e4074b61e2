import {
  type CanActivate,
  Controller,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
  Injectable,
  Module,
  UnauthorizedException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { trace } from '@opentelemetry/api';
import { serviceDataSourceOptions, type DatabaseLocation } from '@o2c/persistence';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  connectInboxConsumer,
  type EventRecord,
  InboxContext,
  KafkaModule,
  MessagingModule,
  messagingMigrations,
  Outbox,
  type KafkaInboxServer,
  type KafkaInboxServerOptions,
} from '../../../src';

export const COUNTED = 'o2c.test.counted.v1';

export class CountedV1 {
  @IsString()
  account!: string;

  @IsInt()
  @Min(1)
  seq!: number;

  @IsOptional()
  @IsBoolean()
  poison?: boolean;
}

class CreateEffects1764000000100 implements MigrationInterface {
  name = 'CreateEffects1764000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE effects (applied bigserial PRIMARY KEY, account text NOT NULL, seq int NOT NULL, event_id text NOT NULL, trace_id text,
         tx bigint NOT NULL DEFAULT txid_current())`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE effects`);
  }
}

/** What operations send to the counting app's dead-letter API. */
export const ADMIN_HEADERS = { authorization: 'Bearer counting-admin' };

/** The application's admin guard, as a service has one (`@o2c/platform`'s `AdminTokenGuard`). */
export const countingAdminGuard: CanActivate = {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers.authorization !== ADMIN_HEADERS.authorization) {
      throw new UnauthorizedException('not the counting admin');
    }
    return true;
  },
};

/** What the test controls about the handler: whether poison messages still fail. */
@Injectable()
export class Faults {
  poisonFails = true;
  attempts = 0;
  /** The next this many handlings fail as a connection reset by the database would. */
  outage = 0;
}

@Controller()
class CountWhenCounted {
  constructor(private readonly faults: Faults) {}

  @EventPattern<string>(COUNTED)
  async handle(@Payload() event: CountedV1, @Ctx() ctx: InboxContext): Promise<void> {
    if (this.faults.outage > 0) {
      this.faults.outage -= 1;
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    if (event.poison) {
      this.faults.attempts += 1;
      if (this.faults.poisonFails) throw new Error(`cannot count ${event.account}#${event.seq} yet`);
    }
    await ctx.manager.query(
      `INSERT INTO effects (account, seq, event_id, trace_id) VALUES ($1, $2, $3, $4)`,
      [event.account, event.seq, ctx.event.id, trace.getActiveSpan()?.spanContext().traceId ?? null],
    );
  }
}

@Module({})
class CountingModule {
  static register(
    database: DatabaseLocation,
    relay: boolean,
    topicNamespace?: string,
    groupId = 'counting',
    adminGuard: CanActivate | null = countingAdminGuard,
  ): DynamicModule {
    return {
      module: CountingModule,
      imports: [
        TypeOrmModule.forRoot(
          serviceDataSourceOptions({
            location: database,
            entities: [],
            migrations: [...messagingMigrations, CreateEffects1764000000100],
          }),
        ),
        KafkaModule.forRoot({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' }),
        MessagingModule.forRoot({
          source: 'o2c/test',
          groupId,
          schemas: new Map([[COUNTED, CountedV1]]),
          relay,
          topicNamespace,
          ...(adminGuard ? { adminGuard } : {}),
          consumer: {
            maxAttempts: 3,
            initialRetryDelayMs: 50,
            sessionTimeoutMs: 6_000,
            partitionsConsumedConcurrently: 6,
          },
        }),
      ],
      controllers: [CountWhenCounted],
      providers: [Faults],
    };
  }
}

export interface CountingApp {
  readonly app: INestApplication;
  readonly server: KafkaInboxServer;
  readonly baseUrl: string;
  emit(events: readonly { account: string; seq: number; poison?: boolean }[]): Promise<void>;
  close(): Promise<void>;
}

/** One instance of a small service built on @o2c/messaging: counts `CountedV1` events into `effects`. */
export async function startCountingApp(
  database: DatabaseLocation,
  topic: string,
  options: {
    relay?: boolean;
    consume?: boolean;
    afterCommit?: (event: EventRecord) => Promise<void>;
    poisonFails?: boolean;
    /** Runs the app in a topic namespace: `topic` is then the logical name, `<namespace>.<topic>` the physical one. */
    topicNamespace?: string;
    /** Consumer group; `counting` by default. */
    groupId?: string;
    /** Who may use the dead-letter API: `countingAdminGuard` (send ADMIN_HEADERS) by default, null for none. */
    adminGuard?: CanActivate | null;
    consumer?: Partial<Pick<KafkaInboxServerOptions, 'maxAttempts' | 'initialRetryDelayMs'>>;
  } = {},
): Promise<CountingApp> {
  const app = await NestFactory.create(
    CountingModule.register(
      database,
      options.relay ?? true,
      options.topicNamespace,
      options.groupId,
      options.adminGuard === undefined ? countingAdminGuard : options.adminGuard,
    ),
    {
      logger: ['error'],
      abortOnError: false,
    },
  );
  app.get(Faults).poisonFails = options.poisonFails ?? true;
  const server = connectInboxConsumer(app, {
    ...options.consumer,
    topicOf: () => topic,
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
  if (options.consume !== false) await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const outbox = app.get(Outbox);
  const dataSource = app.get(DataSource);
  return {
    app,
    server,
    baseUrl,
    emit: (events) =>
      dataSource.transaction(async (manager) => {
        for (const e of events)
          await outbox.record(manager, { type: COUNTED, key: e.account, data: e, topic });
      }),
    close: () => app.close(),
  };
}
