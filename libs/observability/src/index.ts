export * from './logging';
export * from './telemetry';
