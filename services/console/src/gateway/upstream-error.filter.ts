import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { problemText, ServiceAnsweredError, ServiceUnavailableError } from './upstreams';

/**
 * A service that does not answer is a 502 (504 after the time limit) problem naming it, so that the console
 * can say which one; an error a service answered to the console's own reads is passed on with its status.
 */
@Catch(ServiceUnavailableError, ServiceAnsweredError)
export class UpstreamErrorFilter implements ExceptionFilter {
  catch(error: ServiceUnavailableError | ServiceAnsweredError, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem =
      error instanceof ServiceUnavailableError
        ? {
            type: 'about:blank',
            title: error.timedOut ? 'Gateway Timeout' : 'Bad Gateway',
            status: error.timedOut ? 504 : 502,
            detail: error.message,
            code: error.timedOut ? 'CONSOLE.SERVICE_TIMEOUT' : 'CONSOLE.SERVICE_UNAVAILABLE',
            service: error.service,
          }
        : {
            type: 'about:blank',
            title: problemText(error.problem.title, 'Error'),
            ...error.problem,
            status: error.status,
            detail: `${error.service}: ${problemText(error.problem.detail, error.problem.title, error.status)}`,
            service: error.service,
          };
    if (error instanceof ServiceAnsweredError && error.status === 401)
      response.setHeader('www-authenticate', 'Bearer realm="o2c-console"');
    response
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify({ ...problem, instance: request.originalUrl }));
  }
}
