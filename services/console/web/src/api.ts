// Calls to the console's gateway with the operator's token (kept for this browser tab only).
import { useCallback, useEffect, useState } from 'react';

const TOKEN_KEY = 'o2c.console.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function keepToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  service?: string;
  errors?: { path: string; message: string }[];
  reasons?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

function headers(json: boolean, token = storedToken()): Record<string, string> {
  return {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

/** `path` below /api/: `pipeline`, `timeline?id=…`, `deals/v1/deals?status=rejected`. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const response = await fetch(`api/${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: headers(options.body !== undefined, options.token),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    parsed = { detail: text };
  }
  if (!response.ok)
    throw new ApiError(response.status, (parsed as Problem | undefined) ?? { title: response.statusText });
  return parsed as T;
}

/** Opens a PDF the API serves (a link cannot carry the token). */
export async function openPdf(path: string): Promise<void> {
  const response = await fetch(`api/${path}`, { headers: headers(false) });
  if (!response.ok) throw new ApiError(response.status, { title: response.statusText });
  const url = URL.createObjectURL(await response.blob());
  window.open(url, '_blank', 'noopener');
}

/** An error in words, naming the service that failed and every field a service refused. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const { problem } = error;
    const fields = (problem.errors ?? []).map((field) => `${field.path}: ${field.message}`);
    const main = problem.detail ?? problem.title ?? `HTTP ${error.status}`;
    const service = problem.service && !main.startsWith(problem.service) ? `${problem.service}: ` : '';
    return [`${service}${main}`, ...fields].join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `key` (undefined: nothing to load yet). */
export function useLoad<T>(key: string | undefined, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: key !== undefined,
  });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    if (key === undefined) return;
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // `load` is a new function on every render; `key` says when what it loads changes.
  }, [key, round]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

const digitsCache = new Map<string, number>();
/** Minor units of a currency (ISO 4217): 2 for EUR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** `123456` EUR is `1,234.56 EUR`: string arithmetic, never a float. */
export function formatMinor(amountMinor: string, currency: string): string {
  const negative = amountMinor.startsWith('-');
  const digits = currencyDigits(currency);
  const plain = (negative ? amountMinor.slice(1) : amountMinor).padStart(digits + 1, '0');
  const major = plain.slice(0, plain.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits > 0 ? `.${plain.slice(plain.length - digits)}` : '';
  return `${negative ? '-' : ''}${major}${minor} ${currency}`;
}

/** `1234.5` EUR is `"123450"` minor units; undefined when it is no amount of that currency. */
export function toMinor(amount: string, currency: string): string | undefined {
  const digits = currencyDigits(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(amount.trim().replace(/,/g, ''));
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return (match[1]! + fraction.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
}

/** A time as the operator reads it: `2026-12-06 14:03 UTC`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  if (iso.length === 10) return iso;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
