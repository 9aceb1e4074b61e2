import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { provisioningService } from '../../src/app.module';

describeServiceFoundation(provisioningService, join(__dirname, '../../dist/main.js'));
