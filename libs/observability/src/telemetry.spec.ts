import { trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry';
import { traceHeadersOf } from './trace-context';

describe(startTelemetry.name, () => {
  it('registers a tracer provider when no exporter is configured, so that trace context propagates', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_TRACES_EXPORTER;
    const sut = startTelemetry('o2c-test');
    try {
      expect(process.env.OTEL_TRACES_EXPORTER).toBe('none');
      const headers = trace.getTracer('test').startActiveSpan('work', (span) => {
        span.end();
        return traceHeadersOf();
      });
      expect(headers.traceparent).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
    } finally {
      await sut.shutdown();
    }
  });
});
