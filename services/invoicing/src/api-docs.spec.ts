import { describeApiDocuments } from '@o2c/testing';
import { invoicingService } from './app.module';

describeApiDocuments(invoicingService);
