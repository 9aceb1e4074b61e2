import { mapOwnStackTraces, startTelemetry } from '@o2c/observability';

// Loaded before anything else, so that the stack traces of what follows point at our TypeScript and http and pg
// are instrumented when they are first required.
mapOwnStackTraces();
startTelemetry('o2c-subscriptions');
