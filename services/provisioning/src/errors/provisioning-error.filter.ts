import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ProblemDetailsFilter } from '@o2c/platform';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.errors';

/** The HTTP status and title of each code: the one place the provisioning service maps its errors to HTTP. */
export function problemOf(code: ProvisioningErrorCode): { status: HttpStatus; title: string } {
  switch (code) {
    case ProvisioningErrorCode.DeliveryNotFound:
      return { status: HttpStatus.NOT_FOUND, title: 'Delivery not found' };
  }
}

/** Answers a ProvisioningError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(ProvisioningError)
export class ProvisioningErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter(new Logger(ProvisioningErrorFilter.name));

  catch(error: ProvisioningError, host: ArgumentsHost): void {
    const { status, title } = problemOf(error.code);
    this.problems.catch(new HttpException({ title, detail: error.message, code: error.code }, status), host);
  }
}
