import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { invoicingService } from '../../src/app.module';

describeServiceFoundation(invoicingService, join(__dirname, '../../dist/main.js'));
