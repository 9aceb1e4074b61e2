import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { subscriptionsService } from '../../src/app.module';

describeServiceFoundation(subscriptionsService, join(__dirname, '../../dist/main.js'));
