import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';

/** The W3C trace context headers of a message, a row or a request. */
export interface TraceHeaders {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** The `traceparent` (and `tracestate`) of `from` (the active context by default); empty outside a trace. */
export function traceHeadersOf(from: Context = context.active()): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/** The context whose parent is the trace of `headers`; a context without a trace when they hold none. */
export function contextOf(headers: TraceHeaders): Context {
  const carrier: Record<string, string> = {};
  if (headers.traceparent) carrier.traceparent = headers.traceparent;
  if (headers.tracestate) carrier.tracestate = headers.tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/**
 * `trace_id` and `span_id` of the active span, for a log line; nothing outside a trace. The names
 * are OpenTelemetry's for logs. (Hand-written: `@opentelemetry/instrumentation-pino` does the same
 * by patching pino at load time, one more module hook for three lines.)
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
