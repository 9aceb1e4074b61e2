import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

const EXPORTER_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'] as const;

/**
 * Starts OpenTelemetry traces and metrics for one service. It must run before the
 * instrumented modules (http, pg) are loaded, so `main.ts` calls it first.
 * Exporters follow the standard `OTEL_*` variables; with no OTLP endpoint configured
 * nothing is exported, but spans still exist so trace context still propagates.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): NodeSDK {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    for (const variable of EXPORTER_VARIABLES) env[variable] ??= 'none';
  }
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false,
      }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
