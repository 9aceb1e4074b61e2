import { Catch, HttpStatus } from '@nestjs/common';
import { type CodeProblem, CodedErrorFilter } from '@o2c/platform';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.errors';

/** The HTTP status and title of each code: the one place the provisioning service maps its errors to HTTP. */
export const PROVISIONING_PROBLEMS: Readonly<Record<ProvisioningErrorCode, CodeProblem>> = {
  [ProvisioningErrorCode.DeliveryNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Delivery not found' },
};

/** Answers a ProvisioningError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(ProvisioningError)
export class ProvisioningErrorFilter extends CodedErrorFilter<ProvisioningErrorCode> {
  constructor() {
    super(PROVISIONING_PROBLEMS);
  }
}
