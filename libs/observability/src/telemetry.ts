import {
  context,
  isSpanContextValid,
  metrics,
  propagation,
  trace,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
} from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
// Types only: the packages themselves are required where the settings name them.
import type * as B3 from '@opentelemetry/propagator-b3';
import type * as TraceGrpc from '@opentelemetry/exporter-trace-otlp-grpc';
import type * as TraceJson from '@opentelemetry/exporter-trace-otlp-http';
import type * as TraceProto from '@opentelemetry/exporter-trace-otlp-proto';
import type * as MetricGrpc from '@opentelemetry/exporter-metrics-otlp-grpc';
import type * as MetricJson from '@opentelemetry/exporter-metrics-otlp-http';
import type * as MetricProto from '@opentelemetry/exporter-metrics-otlp-proto';
import { isHealthCheck } from './http-tracing';
import { markMetricsRegistered, prometheusReader } from './metrics';

/** What `startTelemetry` started; `shutdown` flushes and stops its traces and metrics. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Lets every span end without sending it anywhere: with no exporter configured, a tracer provider is
 * registered all the same, so that every request, message and job runs in a real trace and every event
 * carries its `traceparent`.
 */
const UNEXPORTED: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Starts OpenTelemetry traces and metrics for one service. It must run before the instrumented modules
 * (http, pg) are loaded, so `main.ts` calls it first. It reads the standard `OTEL_*` variables as the
 * OpenTelemetry SDK does (exporters, protocol, endpoint, sampler, propagators, resource attributes), but
 * loads only the exporters the settings name: the whole Node SDK with every exporter cost each service
 * about 20 MB of memory it never used. With no OTLP endpoint configured nothing is exported, but a tracer
 * provider is registered all the same (sampler from `OTEL_TRACES_SAMPLER`, parent-based always-on by
 * default). Throws on settings it cannot honour (`OTEL_SDK_DISABLED`, an unknown exporter, sampler,
 * propagator or protocol), naming the variable.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    throw new Error(
      `${serviceName}: OTEL_SDK_DISABLED=true leaves no tracer provider; events need one for their traceparent`,
    );
  }
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    for (const variable of EXPORTER_VARIABLES) env[variable] ??= 'none';
  }
  const resource = resourceOf(serviceName);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorOf(env);
  if (propagator) propagation.setGlobalPropagator(propagator);

  // `GET /metrics` always; OTLP (or console) as the standard variables say.
  const meterProvider = new MeterProvider({
    resource,
    readers: [prometheusReader(), ...pushedMetricReaders(env)],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  markMetricsRegistered();

  const exporters = spanExportersOf(env);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: samplerOf(env),
    spanProcessors:
      exporters.length === 0
        ? [UNEXPORTED]
        : exporters.map((exporter) =>
            exporter instanceof ConsoleSpanExporter
              ? new SimpleSpanProcessor({ exporter })
              : new BatchSpanProcessor({ exporter }),
          ),
  });
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isHealthCheck(req.url) }),
      new PgInstrumentation(),
    ],
  });
  if (!tracing()) {
    throw new Error(
      `${serviceName}: no tracer provider is registered; events need one for their traceparent`,
    );
  }
  return {
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

const EXPORTER_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'] as const;

/** The SDK's default resource, the service, process and host detected, `OTEL_RESOURCE_ATTRIBUTES`, and the name. */
function resourceOf(serviceName: string): Resource {
  return defaultResource()
    .merge(
      detectResources({ detectors: [serviceInstanceIdDetector, hostDetector, osDetector, processDetector] }),
    )
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
}

function listOf(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
}

/** `OTEL_PROPAGATORS` (W3C trace context and baggage by default; `none`; `b3`, `b3multi`). */
export function propagatorOf(env: NodeJS.ProcessEnv): TextMapPropagator | undefined {
  const names = listOf(env.OTEL_PROPAGATORS);
  if (names.includes('none')) return undefined;
  const propagators = (names.length === 0 ? ['tracecontext', 'baggage'] : names).map(
    (name): TextMapPropagator => {
      switch (name) {
        case 'tracecontext':
          return new W3CTraceContextPropagator();
        case 'baggage':
          return new W3CBaggagePropagator();
        case 'b3':
        case 'b3multi': {
          // Loaded only when asked for.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const b3 = require('@opentelemetry/propagator-b3') as typeof B3;
          return new b3.B3Propagator(
            name === 'b3multi' ? { injectEncoding: b3.B3InjectEncoding.MULTI_HEADER } : {},
          );
        }
        default:
          throw new Error(
            `OTEL_PROPAGATORS must list tracecontext, baggage, b3, b3multi or none, got "${name}"`,
          );
      }
    },
  );
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; unset, the SDK's parent-based always-on. */
export function samplerOf(env: NodeJS.ProcessEnv): Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim();
  if (!name) return undefined;
  const ratio = () => {
    const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (!arg) return 1;
    const value = Number(arg);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got "${arg}"`);
    }
    return value;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new Error(
        'OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, ' +
          `parentbased_always_off or parentbased_traceidratio, got "${name}"`,
      );
  }
}

/**
 * The span exporters of `OTEL_TRACES_EXPORTER` (`otlp` by default, none when its list holds `none`): OTLP over
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf` by default, `grpc`,
 * `http/json`), or `console`. Each exporter package is loaded only when named.
 */
export function spanExportersOf(env: NodeJS.ProcessEnv): SpanExporter[] {
  const names = listOf(env.OTEL_TRACES_EXPORTER);
  if (names.includes('none')) return [];
  return (names.length === 0 ? ['otlp'] : names).map((name): SpanExporter => {
    switch (name) {
      case 'otlp': {
        const protocol =
          env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
          env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
          'http/protobuf';
        /* eslint-disable @typescript-eslint/no-require-imports -- each exporter is loaded only when named */
        if (protocol === 'grpc') {
          const { OTLPTraceExporter } =
            require('@opentelemetry/exporter-trace-otlp-grpc') as typeof TraceGrpc;
          return new OTLPTraceExporter();
        }
        if (protocol === 'http/json') {
          const { OTLPTraceExporter } =
            require('@opentelemetry/exporter-trace-otlp-http') as typeof TraceJson;
          return new OTLPTraceExporter();
        }
        if (protocol === 'http/protobuf') {
          const { OTLPTraceExporter } =
            require('@opentelemetry/exporter-trace-otlp-proto') as typeof TraceProto;
          return new OTLPTraceExporter();
        }
        /* eslint-enable @typescript-eslint/no-require-imports */
        throw new Error(
          `OTEL_EXPORTER_OTLP_PROTOCOL must be grpc, http/protobuf or http/json, got "${protocol}"`,
        );
      }
      case 'console':
        return new ConsoleSpanExporter();
      default:
        throw new Error(`OTEL_TRACES_EXPORTER must list otlp, console or none, got "${name}"`);
    }
  });
}

/**
 * The push readers of `OTEL_METRICS_EXPORTER` (`otlp` by default, `none` when no OTLP endpoint is set),
 * as the OpenTelemetry SDK would make them: OTLP over `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
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
        /* eslint-disable @typescript-eslint/no-require-imports -- each exporter is loaded only when named */
        if (protocol === 'grpc') {
          const { OTLPMetricExporter } =
            require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof MetricGrpc;
          return [readerOf(new OTLPMetricExporter())];
        }
        if (protocol === 'http/json') {
          const { OTLPMetricExporter } =
            require('@opentelemetry/exporter-metrics-otlp-http') as typeof MetricJson;
          return [readerOf(new OTLPMetricExporter())];
        }
        if (protocol === 'http/protobuf') {
          const { OTLPMetricExporter } =
            require('@opentelemetry/exporter-metrics-otlp-proto') as typeof MetricProto;
          return [readerOf(new OTLPMetricExporter())];
        }
        /* eslint-enable @typescript-eslint/no-require-imports */
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

/** Whether a root span gets a real trace id. The probe is never ended, so never exported. */
function tracing(): boolean {
  const probe = trace.getTracer('@o2c/observability').startSpan('o2c.telemetry.probe', { root: true });
  return isSpanContextValid(probe.spanContext());
}
