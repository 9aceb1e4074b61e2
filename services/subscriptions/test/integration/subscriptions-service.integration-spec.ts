import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { subscriptionsService } from '../../src/app.module';

// A consumer group of its own, so that nothing else shares the test's partitions.
describeServiceFoundation(subscriptionsService, join(__dirname, '../../dist/main.js'), {
  KAFKA_CONSUMER_GROUP: `subscriptions-test-${randomUUID()}`,
});
