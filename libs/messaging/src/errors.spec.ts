import { isInfrastructureUnavailable, NonRetryableError } from './errors';

describe('isInfrastructureUnavailable', () => {
  const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it.each([
    ['a connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a connection refused', withCode('ECONNREFUSED')],
    [
      'PostgreSQL shutting down (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['PostgreSQL starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    [
      "TypeORM's QueryFailedError around a reset",
      Object.assign(new Error('read ECONNRESET'), {
        name: 'QueryFailedError',
        driverError: withCode('ECONNRESET'),
      }),
    ],
    ['a reset as the cause', new Error('could not apply', { cause: withCode('EPIPE') })],
  ])('is true for %s', (_, error) => {
    expect(isInfrastructureUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a serialization failure (40001)', withCode('40001')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a refusal of the event', new NonRetryableError('contract not found')],
    ['not an error', 'ECONNRESET'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    expect(isInfrastructureUnavailable(error)).toBe(false);
  });
});
