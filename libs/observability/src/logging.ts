import { type Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { isHealthCheck } from './http-tracing';
import { traceFields } from './trace-context';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured JSON logs, one line per event, with the service name and without secrets; a line
 * written in a trace (while handling a request, an event or a job) has its `trace_id` and `span_id`.
 */
export function loggerParams(service: string, level: LogLevel): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      mixin: traceFields,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["webhook-signature"]'],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req) => isHealthCheck(req.url) },
    },
  };
}
