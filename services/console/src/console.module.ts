import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@o2c/clock';
import { CONSOLE_ENV, type ConsoleEnv } from './config/env.schema';
import { HealthHttpController } from './gateway/health.http.controller';
import { ProxyHttpController } from './gateway/proxy.http.controller';
import { Upstreams } from './gateway/upstreams';
import { PipelineHttpController } from './pipeline/pipeline.http.controller';
import { GatherTimeline } from './timeline/gather-timeline';
import { TimelineHttpController } from './timeline/timeline.http.controller';

@Module({})
export class ConsoleModule {
  static forRoot(env: ConsoleEnv): DynamicModule {
    return {
      module: ConsoleModule,
      // The proxy's catch-all route comes last, after the console's own /api routes.
      controllers: [
        HealthHttpController,
        TimelineHttpController,
        PipelineHttpController,
        ProxyHttpController,
      ],
      providers: [
        { provide: CONSOLE_ENV, useValue: env },
        { provide: CLOCK, useValue: systemClock },
        Upstreams,
        GatherTimeline,
      ],
    };
  }
}
