import { validateEnv } from '@o2c/platform';
import { configurationProblems } from '@o2c/testing';
import { InvoicingEnv } from './env.schema';

const valid = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432', KAFKA_BROKERS: '127.0.0.1:9092' };

const problemsOf = (raw: Record<string, string>) => configurationProblems(InvoicingEnv, raw);

describe('InvoicingEnv', () => {
  it('bills 200 contracts a transaction unless BILL_RUN_CHUNK_CONTRACTS says otherwise', () => {
    expect(validateEnv(InvoicingEnv, valid).BILL_RUN_CHUNK_CONTRACTS).toBe(200);
    expect(
      validateEnv(InvoicingEnv, { ...valid, BILL_RUN_CHUNK_CONTRACTS: '1' }).BILL_RUN_CHUNK_CONTRACTS,
    ).toBe(1);
    expect(
      validateEnv(InvoicingEnv, { ...valid, BILL_RUN_CHUNK_CONTRACTS: '1000' }).BILL_RUN_CHUNK_CONTRACTS,
    ).toBe(1000);
  });

  it.each(['0', '1001', '2.5', 'many', '-5'])('refuses BILL_RUN_CHUNK_CONTRACTS=%s, naming it', (value) => {
    const problems = problemsOf({ ...valid, BILL_RUN_CHUNK_CONTRACTS: value });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^BILL_RUN_CHUNK_CONTRACTS must/);
  });
});
