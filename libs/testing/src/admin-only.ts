import { newAdminToken } from './admin-token';

/** A call to an operations endpoint: `['POST', '/v1/admin/renewals', { asOf: '2027-01-01' }]`. */
export type AdminCall = readonly [method: string, path: string, body?: unknown];

/** What `expectAdminOnly` needs of a running service (`startServiceForTest` or `startServiceProcess`). */
export interface AdminOnlyTarget {
  readonly service: string;
  readonly baseUrl: string;
  readonly adminToken: string | undefined;
}

async function answer(target: AdminOnlyTarget, [method, path, body]: AdminCall, authorization?: string) {
  const response = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    problem: await response.json().catch((): unknown => undefined),
  };
}

/**
 * Expects each call to be refused without the admin token, with a wrong one and with the right one sent as
 * Basic credentials: 401 problem+json with `WWW-Authenticate: Bearer realm="o2c-<service>"` and the code
 * `<SERVICE>.ADMIN_TOKEN_REQUIRED`, before its parameters or body are even read.
 */
export async function expectAdminOnly(target: AdminOnlyTarget, calls: readonly AdminCall[]): Promise<void> {
  const required = 'an Authorization: Bearer <admin token or API key> header is required';
  const attempts: [string, string | undefined, string][] = [
    ['no token', undefined, required],
    [
      'a wrong token',
      `Bearer ${newAdminToken()}`,
      'the bearer token is neither the admin token nor an API key',
    ],
    ...(target.adminToken
      ? [
          ['the token as Basic credentials', `Basic ${target.adminToken}`, required] as [
            string,
            string,
            string,
          ],
        ]
      : []),
  ];
  for (const call of calls) {
    for (const [attempt, authorization, detail] of attempts) {
      expect({
        call: `${call[0]} ${call[1]} with ${attempt}`,
        ...(await answer(target, call, authorization)),
      }).toEqual({
        call: `${call[0]} ${call[1]} with ${attempt}`,
        status: 401,
        contentType: expect.stringContaining('application/problem+json') as unknown,
        wwwAuthenticate: `Bearer realm="o2c-${target.service}"`,
        problem: {
          type: 'about:blank',
          title: 'Admin token required',
          status: 401,
          detail,
          code: `${target.service.toUpperCase()}.ADMIN_TOKEN_REQUIRED`,
          instance: call[1],
        },
      });
    }
  }
}
