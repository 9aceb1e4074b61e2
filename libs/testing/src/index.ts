export * from './infra';
export * from './service-harness';
export * from './test-database';
export * from './service-foundation';
export * from './kafka-probe';
export * from './test-topics';
export * from './service-process';
