import { describeApiDocuments } from '@o2c/testing';
import { dealsService } from './app.module';

describeApiDocuments(dealsService, {
  DEALS_WEBHOOK_SECRETS: `whsec_${Buffer.from('o2c deals api documents secret').toString('base64')}`,
});
