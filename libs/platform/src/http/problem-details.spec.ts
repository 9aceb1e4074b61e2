import { type ArgumentsHost } from '@nestjs/common';
import { ProblemDetailsFilter } from './problem-details';

interface Answer {
  status?: number;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

function answerTo(exception: unknown): Answer {
  const answer: Answer = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => (answer.headers[name] = value),
    status: (status: number) => ((answer.status = status), response),
    type: () => response,
    send: (body: string) => ((answer.body = JSON.parse(body) as Record<string, unknown>), response),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ method: 'POST', originalUrl: '/v1/webhooks/deals' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined };
  new ProblemDetailsFilter(quiet).catch(exception, host);
  return answer;
}

describe(ProblemDetailsFilter.name, () => {
  it('answers the database or the network being away with a 503 and Retry-After, not a 500', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), {
      name: 'QueryFailedError',
      driverError: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    const answer = answerTo(reset);
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ 'Retry-After': '5' });
    expect(answer.body).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      instance: '/v1/webhooks/deals',
    });
  });

  it('answers any other unexpected error with a 500 that says nothing of it', () => {
    expect(answerTo(new TypeError('x is undefined'))).toEqual({
      status: 500,
      headers: {},
      body: {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred',
        instance: '/v1/webhooks/deals',
      },
    });
  });
});
