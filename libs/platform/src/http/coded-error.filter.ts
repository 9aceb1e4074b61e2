import {
  type ArgumentsHost,
  type ExceptionFilter,
  HttpException,
  type HttpStatus,
  Logger,
} from '@nestjs/common';
import { type Response } from 'express';
import { ProblemDetailsFilter } from './problem-details';

/** The error a service throws at its edge: a code of its `<Service>ErrorCode` enum, a message, and optional extension members. */
export interface CodedError<Code extends string> extends Error {
  readonly code: Code;
  /** Members added to the problem (`dealId`, `reasons`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** A title of its own, in place of its code's, where one code is worded two ways. */
  readonly title?: string;
}

/** How a service answers one of its error codes. */
export interface CodeProblem {
  readonly status: HttpStatus;
  readonly title: string;
  /** Response headers the answer carries, such as `WWW-Authenticate` with a 401. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Answers a service's coded error as RFC 9457 problem+json, in the same form as every other error
 * (`ProblemDetailsFilter`): `title` (unless the error has its own) and status from the code's entry in `problems`, `detail` the
 * error's message, `code`, then the error's extensions. Each service subclasses it once, with
 * `@Catch(<Service>Error)` and an entry for every code, the one place it maps its errors to HTTP:
 *
 *   @Catch(DealsError)
 *   export class DealsErrorFilter extends CodedErrorFilter<DealsErrorCode> {
 *     constructor() { super(DEALS_PROBLEMS); }
 *   }
 */
export abstract class CodedErrorFilter<Code extends string> implements ExceptionFilter<CodedError<Code>> {
  private readonly problemDetails = new ProblemDetailsFilter(new Logger(this.constructor.name));

  protected constructor(private readonly problems: Readonly<Record<Code, CodeProblem>>) {}

  catch(error: CodedError<Code>, host: ArgumentsHost): void {
    const { status, headers = {} } = this.problems[error.code];
    const title = error.title ?? this.problems[error.code].title;
    for (const [name, value] of Object.entries(headers)) {
      host.switchToHttp().getResponse<Response>().setHeader(name, value);
    }
    this.problemDetails.catch(
      new HttpException({ ...error.extensions, title, detail: error.message, code: error.code }, status),
      host,
    );
  }
}
