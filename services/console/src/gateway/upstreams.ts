import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_ENV, type ConsoleEnv } from '../config/env.schema';

/** The four services the console reads and drives, by the name used in `/api/<service>/...`. */
export const SERVICES = ['deals', 'subscriptions', 'invoicing', 'provisioning'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A service that did not answer: down, unreachable, or slower than UPSTREAM_TIMEOUT_MS. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly timedOut: boolean,
    reason: string,
  ) {
    super(`${service} ${reason}`);
    this.name = 'ServiceUnavailableError';
  }
}

/** A problem member as text (services send strings; anything else is shown as JSON). */
export function problemText(...values: unknown[]): string {
  const value = values.find((candidate) => candidate !== undefined && candidate !== null);
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A service answered a call the console made for itself (the timeline, the pipeline) with an error. */
export class ServiceAnsweredError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(`${service} answered ${status}: ${problemText(problem.detail, problem.title)}`);
    this.name = 'ServiceAnsweredError';
  }
}

export interface UpstreamRequest {
  readonly method?: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly accept?: string;
  readonly body?: Buffer;
}

export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Calls the services at the URLs of the configuration, with the operator's credential and a time limit. */
@Injectable()
export class Upstreams {
  constructor(@Inject(CONSOLE_ENV) private readonly env: ConsoleEnv) {}

  baseUrl(service: ServiceName): string {
    const urls: Record<ServiceName, string> = {
      deals: this.env.DEALS_URL,
      subscriptions: this.env.SUBSCRIPTIONS_URL,
      invoicing: this.env.INVOICING_URL,
      provisioning: this.env.PROVISIONING_URL,
    };
    return urls[service].replace(/\/+$/, '');
  }

  /** `pathAndQuery` starts with `/` (`/v1/deals?status=rejected`). */
  async request(
    service: ServiceName,
    pathAndQuery: string,
    request: UpstreamRequest = {},
  ): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = {};
    if (request.authorization) headers.authorization = request.authorization;
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.accept) headers.accept = request.accept;
    const timeout = this.env.UPSTREAM_TIMEOUT_MS;
    try {
      const response = await fetch(`${this.baseUrl(service)}${pathAndQuery}`, {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : new Uint8Array(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: Buffer.from(await response.arrayBuffer()),
      };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ServiceUnavailableError(
        service,
        timedOut,
        timedOut
          ? `did not answer within ${timeout} ms (${this.baseUrl(service)})`
          : `is not answering at ${this.baseUrl(service)} (${reasonOf(error)})`,
      );
    }
  }

  /**
   * A JSON read for the console's own views: the body, or undefined on 404; any other error answer is a
   * `ServiceAnsweredError` (a 401 stays a 401: what the operator may see follows the credential).
   */
  async read<T>(
    service: ServiceName,
    pathAndQuery: string,
    authorization: string | undefined,
  ): Promise<T | undefined> {
    const answer = await this.request(service, pathAndQuery, { authorization, accept: 'application/json' });
    if (answer.status === 404) return undefined;
    const text = answer.body.toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { title: 'Not JSON', detail: text.slice(0, 200) };
    }
    if (answer.status >= 400)
      throw new ServiceAnsweredError(service, answer.status, (body ?? {}) as Record<string, unknown>);
    return body as T;
  }

  /** Every item of a cursor-paged list, up to `maxPages` pages (`complete` says whether it got them all). */
  async readPages<T>(
    service: ServiceName,
    path: string,
    authorization: string | undefined,
    maxPages: number,
    stop: (item: T) => boolean = () => false,
  ): Promise<{ items: T[]; complete: boolean }> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const url: string = cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`;
      const answer: { items: T[]; nextCursor: string | null } | undefined = await this.read(
        service,
        url,
        authorization,
      );
      if (!answer) return { items, complete: true };
      for (const item of answer.items) {
        if (stop(item)) return { items, complete: true };
        items.push(item);
      }
      cursor = answer.nextCursor;
      if (cursor === null) return { items, complete: true };
    }
    return { items, complete: false };
  }
}
