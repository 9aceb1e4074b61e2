import { judge } from './fuzz';

const problem = (status: number, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'about:blank',
    title: 'Bad Request',
    status,
    detail: 'deal.currency is missing',
    ...fields,
  });

describe(judge.name, () => {
  it('accepts answers below 400, and refusals that are problem+json naming what was wrong', () => {
    expect(judge(202, 'application/json', '{}')).toBeUndefined();
    expect(judge(400, 'application/problem+json; charset=utf-8', problem(400))).toBeUndefined();
  });

  it('finds a 5xx, a refusal that is not problem+json, and a problem that does not say what was wrong', () => {
    expect(judge(500, 'application/problem+json', problem(500))).toBe('answered 500');
    expect(judge(599, null, 'no answer')).toBe('answered 599');
    expect(judge(400, 'text/html', '<h1>Bad</h1>')).toBe('a 400 that is not problem+json');
    expect(judge(400, 'application/problem+json', '{')).toBe('a 400 problem+json that is not JSON');
    expect(judge(422, 'application/problem+json', problem(400))).toBe('a 422 problem whose status is 400');
    expect(judge(401, 'application/problem+json', problem(401, { detail: '' }))).toBe(
      'a 401 problem without a title and a detail naming what was wrong',
    );
  });
});
