import { trace } from '@opentelemetry/api';
import { propagatorOf, samplerOf, spanExportersOf, startTelemetry } from './telemetry';
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

describe('the OTEL_* settings', () => {
  it('refuses OTEL_SDK_DISABLED, which would leave events without a traceparent', () => {
    expect(() => startTelemetry('o2c-test', { OTEL_SDK_DISABLED: 'true' })).toThrow(/OTEL_SDK_DISABLED=true/);
  });

  it.each([
    [undefined, undefined],
    ['always_on', 'AlwaysOnSampler'],
    ['always_off', 'AlwaysOffSampler'],
    ['traceidratio', 'TraceIdRatioBased{0.25}'],
    ['parentbased_always_off', 'ParentBased{root=AlwaysOffSampler'],
    ['parentbased_traceidratio', 'ParentBased{root=TraceIdRatioBased{0.25}'],
  ])('OTEL_TRACES_SAMPLER=%s gives %s', (name, description) => {
    const sampler = samplerOf({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: '0.25' });
    if (description === undefined) expect(sampler).toBeUndefined();
    else expect(sampler!.toString()).toContain(description);
  });

  it('names the variable of a sampler or ratio it cannot honour', () => {
    expect(() => samplerOf({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(
      /OTEL_TRACES_SAMPLER must be .*"sometimes"/,
    );
    expect(() => samplerOf({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got "1.5"/,
    );
  });

  it('propagates W3C trace context and baggage by default, b3 when asked, nothing with none', () => {
    expect(propagatorOf({})!.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    expect(propagatorOf({ OTEL_PROPAGATORS: 'b3multi' })!.fields()).toContain('x-b3-traceid');
    expect(propagatorOf({ OTEL_PROPAGATORS: 'none' })).toBeUndefined();
    expect(() => propagatorOf({ OTEL_PROPAGATORS: 'xray' })).toThrow(/OTEL_PROPAGATORS must list .*"xray"/);
  });

  it('makes the span exporter the settings name, over the protocol they name', () => {
    expect(spanExportersOf({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(spanExportersOf({ OTEL_TRACES_EXPORTER: 'console' }).map((e) => e.constructor.name)).toEqual([
      'ConsoleSpanExporter',
    ]);
    for (const protocol of ['grpc', 'http/json', 'http/protobuf']) {
      const exporters = spanExportersOf({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
      expect(exporters.map((e) => e.constructor.name)).toEqual(['OTLPTraceExporter']);
      for (const exporter of exporters) void exporter.shutdown();
    }
    expect(() => spanExportersOf({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'carrier-pigeon' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be .*"carrier-pigeon"/,
    );
    expect(() => spanExportersOf({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      /OTEL_TRACES_EXPORTER must list .*"jaeger"/,
    );
  });
});
