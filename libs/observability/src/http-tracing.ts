import { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** Health probes: neither traced nor logged. */
export function isHealthCheck(url: string | undefined): boolean {
  return url?.startsWith('/health') ?? false;
}

/**
 * Express middleware that makes sure every request is handled in a trace: the one of a valid
 * incoming W3C `traceparent`, else a new one. In a service the HTTP instrumentation has already
 * started the request's server span (from the same header) and this lets it be; where it could not
 * (http loaded before `startTelemetry`, or a test runner whose module loader it does not hook),
 * this starts the server span itself, so that what the request writes (its events, its log lines)
 * still carries the trace. Without a registered tracer provider it changes nothing.
 */
export function traceRequests(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const tracer = trace.getTracer('@o2c/observability');
  return (req, res, next) => {
    const active = trace.getActiveSpan()?.spanContext();
    if (isHealthCheck(req.url) || (active && isSpanContextValid(active))) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': req.url?.split('?')[0] ?? '/' },
      },
      parent,
    );
    const handling = trace.setSpan(parent, span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // Listeners added later (the request log's) run in the request's trace too.
    context.bind(handling, req);
    context.bind(handling, res);
    context.with(handling, next);
  };
}
