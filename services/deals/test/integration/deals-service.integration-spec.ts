import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { dealsService } from '../../src/app.module';

describeServiceFoundation(dealsService, join(__dirname, '../../dist/main.js'));
