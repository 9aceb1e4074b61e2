import { describeApiDocuments } from '@o2c/testing';
import { subscriptionsService } from './app.module';

describeApiDocuments(subscriptionsService);
