import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ProblemDetailsFilter } from '@o2c/platform';
import { type Response } from 'express';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';

/** The HTTP status and title of each code: the one place the deals service maps its errors to HTTP. */
export function problemOf(code: DealsErrorCode): { status: HttpStatus; title: string } {
  switch (code) {
    case DealsErrorCode.NotBillable:
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, title: 'Deal not billable' };
    case DealsErrorCode.DealNotFound:
      return { status: HttpStatus.NOT_FOUND, title: 'Deal not found' };
    case DealsErrorCode.CatalogEntryNotFound:
      return { status: HttpStatus.NOT_FOUND, title: 'Catalog entry not found' };
    case DealsErrorCode.AdminTokenRequired:
      return { status: HttpStatus.UNAUTHORIZED, title: 'Admin token required' };
  }
}

/** Answers a DealsError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(DealsError)
export class DealsErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter(new Logger(DealsErrorFilter.name));

  catch(error: DealsError, host: ArgumentsHost): void {
    const { status, title } = problemOf(error.code);
    if (status === HttpStatus.UNAUTHORIZED) {
      host.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="o2c-deals"');
    }
    this.problems.catch(
      new HttpException({ ...error.extensions, title, detail: error.message, code: error.code }, status),
      host,
    );
  }
}
