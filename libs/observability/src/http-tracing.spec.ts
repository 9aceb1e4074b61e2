import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { pinoHttp, type Options } from 'pino-http';
import { traceRequests } from './http-tracing';
import { loggerParams } from './logging';

// A request as a service handles one: traceRequests, then the request log of loggerParams, then a handler
// that logs. Each line the logger writes is kept.
interface Line {
  message?: string;
  trace_id?: string;
  span_id?: string;
}
let lines: Line[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new TracerProvider());
  const log = pinoHttp(loggerParams('o2c-test', 'info').pinoHttp as Options, {
    write: (line: string) => lines.push(JSON.parse(line) as Line),
  });
  const traced = traceRequests();
  server = createServer((req, res) =>
    traced(req, res, () =>
      log(req, res, () => {
        setTimeout(() => {
          req.log.info('handling the request');
          res.end('ok');
        }, 5);
      }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  lines = [];
});

async function request(headers: Record<string, string> = {}): Promise<Line[]> {
  const before = lines.length;
  const response = await fetch(`${base}/v1/webhooks/deals`, { method: 'POST', headers, body: '{}' });
  await response.text();
  return lines.slice(before);
}

const hex = (length: number) => new RegExp(`^(?!0+$)[0-9a-f]{${length}}$`);

describe(traceRequests.name, () => {
  it('handles a request without a traceparent in a trace of its own, which its log lines carry', async () => {
    const first = await request();
    const second = await request();
    expect(first.map((l) => l.message)).toEqual(['handling the request', 'request completed']);
    for (const line of [...first, ...second]) {
      expect(line.trace_id).toMatch(hex(32));
      expect(line.span_id).toMatch(hex(16));
    }
    expect(new Set(first.map((l) => l.trace_id)).size).toBe(1);
    expect(first[0]!.span_id).toBe(first[1]!.span_id);
    expect(second[0]!.trace_id).not.toBe(first[0]!.trace_id);
  });

  it('continues the trace of a valid incoming traceparent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const logged = await request({ traceparent: `00-${traceId}-${parentSpanId}-01` });
    expect(logged.map((l) => l.trace_id)).toEqual([traceId, traceId]);
    expect(logged[0]!.span_id).toMatch(hex(16));
    expect(logged[0]!.span_id).not.toBe(parentSpanId);
  });

  it('starts a new trace when the incoming traceparent is not valid', async () => {
    const logged = await request({ traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01` });
    expect(logged[0]!.trace_id).toMatch(hex(32));
  });

  it('adds no trace fields to a line written outside any trace', () => {
    const logger = pinoHttp(loggerParams('o2c-test', 'info').pinoHttp as Options, {
      write: (line: string) => lines.push(JSON.parse(line) as Line),
    }).logger;
    logger.info('no request');
    expect(lines).toEqual([expect.not.objectContaining({ trace_id: expect.anything() as unknown })]);
  });
});
