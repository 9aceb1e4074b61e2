export * from './http-tracing';
export * from './logging';
export * from './telemetry';
export * from './trace-context';
export * from './metrics';
export * from './stack-traces';
