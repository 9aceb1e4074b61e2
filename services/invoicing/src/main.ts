import './instrument';
import { runService } from '@o2c/platform';
import { invoicingService } from './app.module';

void runService(invoicingService);
