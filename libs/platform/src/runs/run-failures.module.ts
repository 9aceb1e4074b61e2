import { type DynamicModule, Module } from '@nestjs/common';
import { RunFailureRepository } from './run-failure.repository';
import { RunFailures } from './run-failures';
import { RunFailuresGauge } from './run-failures.gauge';
import { RUN_NAMES, RunFailuresHttpController } from './run-failures.http.controller';

/**
 * What a service with runs (renewal, bill run, provisioning) needs to fail one item at a time: `RunFailures`
 * for its handlers, `GET /v1/admin/run-failures` for operations and `o2c_run_failures_open{run}` on `/metrics`. Its table comes with
 * `runFailureMigrations`, which the service lists with its own.
 */
@Module({})
export class RunFailuresModule {
  /** `runs`: the names of the service's runs, as the endpoint's `run` filter takes them. */
  static forRoot(options: { runs: readonly string[] }): DynamicModule {
    return {
      module: RunFailuresModule,
      global: true,
      controllers: [RunFailuresHttpController],
      providers: [
        RunFailureRepository,
        RunFailures,
        RunFailuresGauge,
        { provide: RUN_NAMES, useValue: options.runs },
      ],
      exports: [RunFailures],
    };
  }
}
