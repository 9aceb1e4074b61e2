import { join } from 'node:path';
import { IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

const serviceUrl = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const mustBeUrl = (name: string) => ({
  message: `${name} must be an http(s) URL such as http://127.0.0.1:3001`,
});

/**
 * The console gateway's settings, validated before it starts: a bad value stops it with exit code 1 and the
 * variable's name. It holds no credential of its own: every call carries the operator's.
 */
export class ConsoleEnv {
  /** HTTP port of the console and its API. */
  @IsInt()
  @Min(1)
  @Max(65_535)
  PORT: number = 3005;

  /** Address it listens on: loopback by default; `0.0.0.0` in a container. */
  @IsString()
  @MinLength(1)
  HOST: string = '127.0.0.1';

  @IsUrl(serviceUrl, mustBeUrl('DEALS_URL'))
  DEALS_URL: string = 'http://127.0.0.1:3001';

  @IsUrl(serviceUrl, mustBeUrl('SUBSCRIPTIONS_URL'))
  SUBSCRIPTIONS_URL: string = 'http://127.0.0.1:3002';

  @IsUrl(serviceUrl, mustBeUrl('INVOICING_URL'))
  INVOICING_URL: string = 'http://127.0.0.1:3003';

  @IsUrl(serviceUrl, mustBeUrl('PROVISIONING_URL'))
  PROVISIONING_URL: string = 'http://127.0.0.1:3004';

  /** How long a service may take to answer one call before the console reports it as not answering. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  UPSTREAM_TIMEOUT_MS: number = 10_000;

  /** The built web app (`vite build` writes it to dist/web). */
  @IsString()
  @MinLength(1)
  WEB_ROOT: string = join(__dirname, '..', 'web');
}

export const CONSOLE_ENV = Symbol('CONSOLE_ENV');
