import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '../../../..');

/** A `.env` made by the real `npm run compose:init` (extra arguments passed on), read as compose reads it. */
export function composeInitEnv(...args: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'o2c-compose-init-'));
  try {
    const file = join(dir, '.env');
    execFileSync(process.execPath, [join(ROOT, 'tools/compose-init.js'), '--file', file, ...args]);
    return parseDotEnv(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `.env` syntax compose reads: `NAME=value` lines, `#` comments, optional quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    env[match[1]!] = match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/**
 * Compose's interpolation (compose-spec "Interpolation"): `$$`, `$NAME`, `${NAME}`, `${NAME:-default}`,
 * `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`, `${NAME:+alt}`, `${NAME+alt}`. Throws as compose stops.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const current = env[name];
      const unset = current === undefined;
      const empty = unset || current === '';
      switch (op) {
        case undefined:
          return current ?? '';
        case ':-':
          return empty ? interpolate(arg ?? '', env) : current;
        case '-':
          return unset ? interpolate(arg ?? '', env) : current;
        case ':?':
          if (empty) throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
          return current;
        case '?':
          if (unset) throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
          return current;
        case ':+':
          return empty ? '' : interpolate(arg ?? '', env);
        case '+':
          return unset ? '' : interpolate(arg ?? '', env);
        default:
          throw new Error(`unsupported interpolation ${whole}`);
      }
    },
  );
}

function interpolateAll(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)]));
  }
  return node;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly args?: Record<string, string> };
  readonly environment?: Record<string, string | number | boolean | null>;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test?: readonly string[] };
  readonly depends_on?: Record<string, { readonly condition?: string }>;
  readonly read_only?: boolean;
  readonly profiles?: readonly string[];
}

export interface ComposeFile {
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

/** docker-compose.yml as compose sees it: YAML with merge keys, then interpolated with `env`. */
export function loadCompose(env: Record<string, string | undefined>): ComposeFile {
  const raw: unknown = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  return interpolateAll(raw, env) as ComposeFile;
}
