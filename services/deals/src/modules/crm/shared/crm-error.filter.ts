import { Catch, HttpStatus } from '@nestjs/common';
import { type CodeProblem, CodedErrorFilter } from '@o2c/platform';
import { CrmError, CrmErrorCode } from '../crm.errors';

/** The HTTP status and title of each code: the one place the CRM adapters map their errors to HTTP. */
export const CRM_PROBLEMS: Readonly<Record<CrmErrorCode, CodeProblem>> = {
  [CrmErrorCode.InvalidPayload]: { status: HttpStatus.BAD_REQUEST, title: 'Invalid CRM payload' },
  [CrmErrorCode.Unmappable]: { status: HttpStatus.UNPROCESSABLE_ENTITY, title: 'CRM deal cannot be mapped' },
  [CrmErrorCode.MappedDealInvalid]: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'Mapped deal is invalid',
  },
  [CrmErrorCode.NotConfigured]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    title: 'CRM adapter not configured',
  },
};

/** Answers a CrmError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(CrmError)
export class CrmErrorFilter extends CodedErrorFilter<CrmErrorCode> {
  constructor() {
    super(CRM_PROBLEMS);
  }
}
