export * from './bootstrap';
export * from './config/service-env';
export * from './config/validate-env';
export * from './health/health.controller';
export * from './service-core.module';
export * from './service-env.token';
export * from './asyncapi.controller';
export * from './http/problem-details';
