import { isSpanContextValid, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { isHealthCheck } from './http-tracing';
import { markMetricsRegistered, prometheusReader } from './metrics';

const EXPORTER_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'] as const;

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/**
 * Lets every span end without sending it anywhere. NodeSDK registers no tracer provider when no
 * trace exporter is configured, and then every span is non-recording with an all-zero trace id, so
 * nothing would carry a `traceparent`; with this processor it registers one all the same.
 */
const UNEXPORTED: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Starts OpenTelemetry traces and metrics for one service. It must run before the
 * instrumented modules (http, pg) are loaded, so `main.ts` calls it first.
 * Exporters follow the standard `OTEL_*` variables; with no OTLP endpoint configured
 * nothing is exported, but a tracer provider is registered all the same (sampler from
 * `OTEL_TRACES_SAMPLER`, parent-based always-on by default), so that every request, message
 * and job runs in a real trace and every event carries its `traceparent`. Throws when the
 * settings leave no tracer provider (`OTEL_SDK_DISABLED`, an unknown `OTEL_TRACES_EXPORTER`).
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): NodeSDK {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    for (const variable of EXPORTER_VARIABLES) env[variable] ??= 'none';
  }
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isHealthCheck(req.url) }),
      new PgInstrumentation(),
    ],
    ...(exportsTraces(env) ? {} : { spanProcessors: [UNEXPORTED] }),
    // `GET /metrics` always; OTLP (or console) as the standard variables say. Given readers replace
    // NodeSDK's own reading of OTEL_METRICS_EXPORTER, so `pushedMetricReaders` does what it would.
    metricReaders: [prometheusReader(), ...pushedMetricReaders(env)],
  });
  sdk.start();
  markMetricsRegistered();
  if (!tracing()) {
    throw new Error(
      `${serviceName}: no tracer provider is registered (OTEL_SDK_DISABLED=${env.OTEL_SDK_DISABLED ?? ''}, ` +
        `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER ?? ''}); events need one for their traceparent`,
    );
  }
  return sdk;
}

/**
 * The push readers of `OTEL_METRICS_EXPORTER` (`otlp` by default, `none` when no OTLP endpoint is set),
 * as NodeSDK would make them: OTLP over `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (`http/protobuf` by default, `grpc`, `http/json`) every `OTEL_METRIC_EXPORT_INTERVAL` ms (60000), or
 * `console`. `prometheus` is `GET /metrics` of the service itself.
 */
export function pushedMetricReaders(env: NodeJS.ProcessEnv): PeriodicExportingMetricReader[] {
  const names = new Set(
    (env.OTEL_METRICS_EXPORTER || 'otlp')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  if (names.has('none')) return [];
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
  const readerOf = (exporter: PushMetricExporter) =>
    new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: interval,
      exportTimeoutMillis: Math.min(interval, Number(env.OTEL_METRIC_EXPORT_TIMEOUT) || 30_000),
    });
  return [...names].flatMap((name) => {
    switch (name) {
      case 'otlp': {
        const protocol =
          env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
        if (protocol === 'grpc') return [readerOf(new GrpcMetricExporter())];
        if (protocol === 'http/json') return [readerOf(new JsonMetricExporter())];
        if (protocol === 'http/protobuf') return [readerOf(new ProtoMetricExporter())];
        throw new Error(
          `OTEL_EXPORTER_OTLP_PROTOCOL must be grpc, http/protobuf or http/json, got "${protocol}"`,
        );
      }
      case 'console':
        return [readerOf(new ConsoleMetricExporter())];
      case 'prometheus':
        return [];
      default:
        throw new Error(`OTEL_METRICS_EXPORTER must list otlp, console, prometheus or none, got "${name}"`);
    }
  });
}

/** As NodeSDK reads `OTEL_TRACES_EXPORTER`: no exporter when its first entry is `none`. */
function exportsTraces(env: NodeJS.ProcessEnv): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'null');
  return exporters[0] !== 'none';
}

/** Whether a root span gets a real trace id. The probe is never ended, so never exported. */
function tracing(): boolean {
  const probe = trace.getTracer('@o2c/observability').startSpan('o2c.telemetry.probe', { root: true });
  return isSpanContextValid(probe.spanContext());
}
