import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '@o2c/clock';
import { OperatorCredential } from '../gateway/operator-credential';
import {
  SERVICES,
  type ServiceName,
  ServiceAnsweredError,
  ServiceUnavailableError,
  Upstreams,
} from '../gateway/upstreams';
import { countDeals, type DealSummary, jobsFromMetrics, type JobReading } from './pipeline';

/** Deals read at most to count the month (newest first); past that the counts say `complete: false`. */
const MAX_DEAL_PAGES = 20;

interface Unavailable {
  service: ServiceName;
  status: number;
  detail: string;
}

@ApiTags('pipeline')
@Controller('api')
export class PipelineHttpController {
  constructor(
    private readonly upstreams: Upstreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('pipeline')
  @ApiOperation({
    summary:
      'Deals today and this month by status, what waits for a person, dead letters per service, the last run of every job',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      description: 'The pipeline; `unavailable` names each service that did not answer',
    },
  })
  async pipeline(@OperatorCredential() authorization: string) {
    const today = this.clock.now().toISOString().slice(0, 10);
    const unavailable: Unavailable[] = [];
    // One service down leaves its part of the page empty and is named; the rest is shown.
    const tolerant = async <T>(service: ServiceName, work: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ServiceUnavailableError)
          unavailable.push({ service, status: error.timedOut ? 504 : 502, detail: error.message });
        else if (error instanceof ServiceAnsweredError)
          unavailable.push({ service, status: error.status, detail: error.message });
        else throw error;
        return fallback;
      }
    };
    const monthStart = `${today.slice(0, 7)}-01`;
    const [recent, rejected, held, deadLetters, jobs, runFailures, billRuns] = await Promise.all([
      tolerant(
        'deals',
        () =>
          this.upstreams.readPages<DealSummary>(
            'deals',
            '/v1/deals?limit=100',
            authorization,
            MAX_DEAL_PAGES,
            (deal) => deal.receivedAt.slice(0, 10) < monthStart,
          ),
        { items: [], complete: false },
      ),
      tolerant(
        'deals',
        () =>
          this.upstreams.readPages<DealSummary>(
            'deals',
            '/v1/deals?status=rejected&limit=100',
            authorization,
            10,
          ),
        {
          items: [],
          complete: false,
        },
      ),
      tolerant(
        'deals',
        () =>
          this.upstreams.readPages<DealSummary>(
            'deals',
            '/v1/deals?status=held&limit=100',
            authorization,
            10,
          ),
        {
          items: [],
          complete: false,
        },
      ),
      Promise.all(
        SERVICES.map((service) =>
          tolerant<{ service: ServiceName; pending: number | null }>(
            service,
            async () => {
              const answer = await this.upstreams.read<{ items: unknown[] }>(
                service,
                '/v1/admin/dead-letters',
                authorization,
              );
              return { service, pending: answer?.items.length ?? 0 };
            },
            { service, pending: null },
          ),
        ),
      ),
      Promise.all(
        SERVICES.map((service) =>
          tolerant<(JobReading & { service: ServiceName })[]>(service, async () => {
            const answer = await this.upstreams.request(service, '/metrics');
            return jobsFromMetrics(answer.body.toString('utf8')).map((job) => ({ service, ...job }));
          }, []),
        ),
      ),
      Promise.all(
        (['subscriptions', 'invoicing', 'provisioning'] as const).map((service) =>
          tolerant<{ service: ServiceName; open: number | null }>(
            service,
            async () => {
              const answer = await this.upstreams.read<{ items: { run: string }[] }>(
                service,
                '/v1/admin/run-failures',
                authorization,
              );
              return { service, open: answer?.items.length ?? 0 };
            },
            { service, open: null },
          ),
        ),
      ),
      tolerant(
        'invoicing',
        () => this.upstreams.read<{ items: unknown[] }>('invoicing', '/v1/bill-runs?limit=5', authorization),
        undefined,
      ),
    ]);
    const waiting = [...rejected.items, ...held.items].sort((a, b) =>
      a.receivedAt.localeCompare(b.receivedAt),
    );
    return {
      today,
      deals: { ...countDeals(recent.items, today), complete: recent.complete },
      waiting: {
        items: waiting.slice(0, 200),
        total: waiting.length,
        complete: rejected.complete && held.complete,
      },
      deadLetters,
      jobs: jobs.flat(),
      runFailures,
      billRuns: billRuns?.items ?? [],
      unavailable: unavailable.filter(
        (entry, index) => unavailable.findIndex((other) => other.service === entry.service) === index,
      ),
    };
  }
}
