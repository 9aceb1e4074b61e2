import { Catch, HttpStatus } from '@nestjs/common';
import { type CodeProblem, CodedErrorFilter } from '@o2c/platform';
import { SubscriptionsError, SubscriptionsErrorCode } from '../domain/subscriptions.errors';

/** The HTTP status and title of each code: the one place the subscriptions service maps its errors to HTTP. */
export const SUBSCRIPTIONS_PROBLEMS: Readonly<Record<SubscriptionsErrorCode, CodeProblem>> = {
  // The title this answer has always had (it was Nest's own 404 before the service had codes).
  [SubscriptionsErrorCode.ContractNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Not Found' },
};

/** Answers a SubscriptionsError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(SubscriptionsError)
export class SubscriptionsErrorFilter extends CodedErrorFilter<SubscriptionsErrorCode> {
  constructor() {
    super(SUBSCRIPTIONS_PROBLEMS);
  }
}
