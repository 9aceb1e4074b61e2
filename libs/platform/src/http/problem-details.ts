import { describeError, isInfrastructureUnavailable } from '@o2c/messaging';
import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  type LoggerService,
  ValidationPipe,
} from '@nestjs/common';
import { type ValidationError } from 'class-validator';
import { type Request, type Response } from 'express';

/** One invalid input field: its path in the request (`deal.lines.0.sku`) and what is wrong with it. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** RFC 9457 problem details, as every o2c API answers an error. */
export interface ProblemDetails {
  readonly [extension: string]: unknown;
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code?: string;
  readonly errors?: readonly FieldProblem[];
}

export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...fieldProblems(e.children ?? [], path)];
  });
}

/** Validates bodies, queries and params; a refusal lists every invalid field at once. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const problems = fieldProblems(errors);
      return new BadRequestException({
        title: 'Invalid request',
        detail: `${problems.length} invalid field${problems.length === 1 ? '' : 's'}`,
        errors: problems,
      });
    },
  });
}

const PROBLEM_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'errors',
  'message',
  'statusCode',
]);

/** What else an exception's body carries (e.g. the health check's `info`, `error`, `details`) stays in the answer. */
function extensionMembers(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([key, value]) => !PROBLEM_MEMBERS.has(key) && !(key === 'error' && typeof value === 'string'),
    ),
  );
}

function titleOf(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .replace(/(^|_)(\w)/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase())
    : 'Error';
}

/**
 * Answers every HTTP error as `application/problem+json`. Services throw their own
 * coded errors; this filter and the services' own mapping are the only places that know HTTP.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    let problem: ProblemDetails;
    const parserStatus = (exception as { status?: unknown; type?: unknown }).status;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
      problem = {
        type: typeof fields.type === 'string' ? fields.type : 'about:blank',
        title: typeof fields.title === 'string' ? fields.title : titleOf(status),
        status,
        detail:
          typeof fields.detail === 'string'
            ? fields.detail
            : typeof message === 'string'
              ? message
              : exception.message,
        ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
        ...(Array.isArray(fields.errors) ? { errors: fields.errors as FieldProblem[] } : {}),
        ...extensionMembers(fields),
      };
    } else if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      // Errors of the body parser: not JSON (400), too large (413), wrong encoding (415).
      const detail = exception instanceof Error ? exception.message : 'the request body could not be read';
      problem = { type: 'about:blank', title: titleOf(parserStatus), status: parserStatus, detail };
    } else if (isInfrastructureUnavailable(exception)) {
      // The database or the network away (a restart, a failover): nothing was done, and the same request
      // succeeds once it is back. A 503 with Retry-After says so to the CRM and to load balancers.
      this.logger.warn?.(`${request.method} ${request.originalUrl}: ${describeError(exception)}`);
      response.setHeader('Retry-After', '5');
      problem = {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The database or the network is unavailable for a moment; send the same request again',
      };
    } else {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      problem = {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred',
      };
    }
    response
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify({ ...problem, instance: request.originalUrl }));
  }
}
