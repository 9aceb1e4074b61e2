import { describeApiDocuments } from '@o2c/testing';
import { subscriptionsService } from '../../src/app.module';

// Needs neither PostgreSQL nor Kafka; it sits with the integration tests as subscriptions has no unit-test project.
describeApiDocuments(subscriptionsService);
