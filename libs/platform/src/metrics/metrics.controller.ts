import { Controller, Get, Injectable, type NestMiddleware, Req, Res } from '@nestjs/common';
import { o2cHistogram, serveMetrics } from '@o2c/observability';
import { type Request, type Response } from 'express';

/**
 * `GET /metrics`: every metric of the service in Prometheus' text format, for Prometheus to scrape. Open
 * like the health endpoints (no `ADMIN_TOKEN`): its labels are route templates, topics, groups, job and run
 * names, outcomes and reason codes, never an id, a name or an amount of a customer.
 */
@Controller()
export class MetricsController {
  @Get('metrics')
  metrics(@Req() request: Request, @Res() response: Response): void {
    serveMetrics(request, response);
  }
}

/**
 * Times every HTTP request the application routes (`o2c_http_server_request_duration_seconds`) by method,
 * route template (`/v1/invoices/:id`, never the path itself, which holds ids; `unmatched` for a path no
 * route takes) and status code. Scrapes of `/metrics` and health probes are left out.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: () => void): void {
    const started = performance.now();
    response.once('finish', () => {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      const template = typeof route === 'string' ? `${request.baseUrl}${route}` : 'unmatched';
      if (template === '/metrics' || template.startsWith('/health')) return;
      o2cHistogram('httpDuration').record((performance.now() - started) / 1_000, {
        method: request.method,
        route: template,
        status_code: String(response.statusCode),
      });
    });
    next();
  }
}
