import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { observeGauge } from '@o2c/observability';
import { DataSource } from 'typeorm';
import { RUN_NAMES } from './run-failures.http.controller';

const TIMEOUT_MS = 3_000;

/**
 * `o2c_run_failures_open{run}`: the items each of the service's runs set aside and no later run got through
 * yet (0 for a run with none), read from `run_failure` at each scrape (one indexed query, at most 3 s; with
 * the database away the series pause and the first failure in a row is logged).
 */
@Injectable()
export class RunFailuresGauge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunFailuresGauge.name);
  private stop?: () => void;
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RUN_NAMES) private readonly runs: readonly string[],
  ) {}

  onApplicationBootstrap(): void {
    this.stop = observeGauge(
      'runFailuresOpen',
      async (result) => {
        let timer: NodeJS.Timeout | undefined;
        const rows = await Promise.race([
          this.dataSource.query<{ run: string; open: string }[]>(
            `SELECT run, count(*) AS open FROM run_failure WHERE resolved_at IS NULL GROUP BY run`,
          ),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`took over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
          }),
        ]).finally(() => clearTimeout(timer));
        const open = new Map(rows.map((row) => [row.run, Number(row.open)]));
        for (const run of new Set([...this.runs, ...open.keys()]))
          result.observe(open.get(run) ?? 0, { run });
        this.failing = false;
      },
      (error) => {
        if (this.failing) return;
        this.failing = true;
        this.logger.warn(
          `the open run failures cannot be counted, so they are left out of /metrics until they can: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
