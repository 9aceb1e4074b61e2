import { Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { failureReasonOf, type RunFailureRepository } from './run-failure.repository';
import { RunFailures } from './run-failures';

const item = { run: 'renewal', itemId: 'c-1', contractId: 'c-1', asOf: '2027-01-01' };

/** A batch transaction's manager whose `transaction` stands for a savepoint: it hands over its own inner manager. */
function batchManager(): { manager: EntityManager; inner: EntityManager } {
  const inner = {} as EntityManager;
  const manager = {
    transaction: (work: (manager: EntityManager) => Promise<unknown>) => work(inner),
  } as unknown as EntityManager;
  return { manager, inner };
}

function repository() {
  return {
    resolve: jest.fn().mockResolvedValue(undefined),
    record: jest.fn().mockResolvedValue({ error: 'Error: bad row', attempts: 3 }),
    openItems: jest.fn(),
  };
}

describe(RunFailures.name, () => {
  it('answers the value of an item that succeeds, and resolves its failure in the same savepoint', async () => {
    const failures = repository();
    const sut = new RunFailures(failures as unknown as RunFailureRepository);
    const { manager, inner } = batchManager();

    const outcome = await sut.attempt(manager, item, () => Promise.resolve(2));

    expect(outcome).toEqual({ ok: true, value: 2 });
    expect(failures.resolve).toHaveBeenCalledWith(inner, 'renewal', 'c-1');
    expect(failures.record).not.toHaveBeenCalled();
  });

  it('records an item that fails through the batch, and answers the reason instead of throwing', async () => {
    const failures = repository();
    const sut = new RunFailures(failures as unknown as RunFailureRepository);
    const { manager } = batchManager();
    const error = new Error('bad row');
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    const outcome = await sut.attempt(manager, item, () => Promise.reject(error));

    expect(outcome).toEqual({ ok: false, failure: { error: 'Error: bad row', attempts: 3 } });
    expect(failures.record).toHaveBeenCalledWith(manager, item, error);
    expect(failures.resolve).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});

describe(failureReasonOf.name, () => {
  it("names the error and keeps its code: a service's, or PostgreSQL's SQLSTATE", () => {
    const coded = Object.assign(new TypeError('duplicate key'), { code: '23505' });
    expect(failureReasonOf(coded)).toEqual({ error: 'TypeError: duplicate key', code: '23505' });
    expect(failureReasonOf(new RangeError('not a date'))).toEqual({ error: 'RangeError: not a date' });
    expect(failureReasonOf('plain')).toEqual({ error: 'plain' });
  });
});
