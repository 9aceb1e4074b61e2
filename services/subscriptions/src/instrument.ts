import { startTelemetry } from '@o2c/observability';

// Loaded before anything else so that http and pg are instrumented when they are first required.
startTelemetry('o2c-subscriptions');
