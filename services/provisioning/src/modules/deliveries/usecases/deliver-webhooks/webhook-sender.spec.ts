import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { Webhook } from 'standardwebhooks';
import { WebhookSender } from './webhook-sender';

const secrets = [1, 2].map(() => `whsec_${randomBytes(32).toString('base64')}`);
let server: Server;
let base: string;
let last: { headers: IncomingHttpHeaders; body: string } | undefined;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new TracerProvider());
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      last = { headers: request.headers, body };
      if (request.url === '/busy') response.writeHead(503, { 'retry-after': '120' }).end('busy');
      else if (request.url === '/moved')
        response.writeHead(307, { location: 'https://elsewhere.example/' }).end();
      else if (request.url === '/slow') setTimeout(() => response.writeHead(200).end('late'), 30_000);
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe(WebhookSender.name, () => {
  // A timeout a loaded machine never reaches, but for the endpoint that answers after 30 s.
  const sut = new WebhookSender(secrets, 10_000);
  const payload = JSON.stringify({ type: 'entitlement.granted', data: { seats: 50 } });

  it('signs with every secret, so a product on either one verifies it', async () => {
    const result = await sut.send(new URL(`${base}/ok`), 'msg-1', payload, new Date());
    expect(result).toMatchObject({ statusCode: 204, response: '' });
    expect(last!.body).toBe(payload);
    expect(last!.headers['webhook-id']).toBe('msg-1');
    expect(String(last!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of secrets) {
      expect(new Webhook(secret).verify(last!.body, last!.headers as Record<string, string>)).toEqual({
        type: 'entitlement.granted',
        data: { seats: 50 },
      });
    }
  });

  it('sends the traceparent of the active span, outside what is signed', async () => {
    const span = trace.getTracer('test').startSpan('deliver');
    await context.with(trace.setSpan(context.active(), span), () =>
      sut.send(new URL(`${base}/ok`), 'msg-6', payload, new Date()),
    );
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(last!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(new Webhook(secrets[0]!).verify(last!.body, last!.headers as Record<string, string>)).toBeTruthy();
  });

  it('reports the status, the answer and Retry-After', async () => {
    expect(await sut.send(new URL(`${base}/busy`), 'msg-2', payload, new Date())).toMatchObject({
      statusCode: 503,
      response: 'busy',
      retryAfterMs: 120_000,
    });
  });

  it('does not follow a redirect off the allowed host', async () => {
    expect(await sut.send(new URL(`${base}/moved`), 'msg-3', payload, new Date())).toMatchObject({
      statusCode: 307,
    });
  });

  it('gives up after the timeout', async () => {
    const impatient = new WebhookSender(secrets, 300);
    const result = await impatient.send(new URL(`${base}/slow`), 'msg-4', payload, new Date());
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toBe('no answer within 300 ms');
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sut.send(new URL(`http://127.0.0.1:${port}/`), 'msg-5', payload, new Date());
    expect(result.error).toMatch(/^fetch failed: .*ECONNREFUSED/);
  });
});
