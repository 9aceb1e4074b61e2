import { Catch, HttpStatus } from '@nestjs/common';
import { type CodeProblem, CodedErrorFilter } from '@o2c/platform';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';

/** The HTTP status and title of each code: the one place the deals service maps its errors to HTTP. */
export const DEALS_PROBLEMS: Readonly<Record<DealsErrorCode, CodeProblem>> = {
  [DealsErrorCode.NotBillable]: { status: HttpStatus.UNPROCESSABLE_ENTITY, title: 'Deal not billable' },
  [DealsErrorCode.DealNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Deal not found' },
  [DealsErrorCode.CatalogEntryNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Catalog entry not found' },
};

/** Answers a DealsError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(DealsError)
export class DealsErrorFilter extends CodedErrorFilter<DealsErrorCode> {
  constructor() {
    super(DEALS_PROBLEMS);
  }
}
