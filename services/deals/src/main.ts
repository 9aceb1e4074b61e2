import './instrument';
import { runService } from '@o2c/platform';
import { dealsService } from './app.module';

void runService(dealsService);
