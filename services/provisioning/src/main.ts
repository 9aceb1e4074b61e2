import './instrument';
import { runService } from '@o2c/platform';
import { provisioningService } from './app.module';

void runService(provisioningService);
