import './instrument';
import { runService } from '@o2c/platform';
import { subscriptionsService } from './app.module';

void runService(subscriptionsService);
