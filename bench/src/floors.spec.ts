import { hopLimit, intakeLimit, type HopRun, type IntakeRun } from './floors';

// A run the hop cannot make is refused before a database, a topic or a process is made (nothing here reaches
// PostgreSQL or Kafka: the addresses lead nowhere).
describe('the bare hop refuses a run it cannot make', () => {
  const run: HopRun = {
    brokers: '127.0.0.1:1',
    namespace: 'nowhere',
    ratePerSecond: 10,
    messages: 10,
    messageBytes: 1000,
  };

  it.each([
    ['a rate of 0', { ratePerSecond: 0 }],
    ['a rate that is not a number', { ratePerSecond: Number.NaN }],
    ['no events', { messages: 0 }],
    ['a part of an event', { messages: 2.5 }],
  ])('%s', async (_, change) => {
    await expect(hopLimit({ ...run, ...change })).rejects.toThrow(
      /^the hop needs a rate and a number of events above 0/,
    );
  });
});

describe('the bare intake refuses a run it cannot make', () => {
  const run: IntakeRun = {
    brokers: '127.0.0.1:1',
    namespace: 'nowhere',
    ratePerSecond: 10,
    deals: 10,
    day: { today: '2026-12-08', closedAt: '2026-12-08T00:00:00.000Z' },
  };

  it.each([
    ['a rate of 0', { ratePerSecond: 0 }],
    ['a negative rate', { ratePerSecond: -5 }],
    ['no deals', { deals: 0 }],
    ['a part of a deal', { deals: 0.5 }],
  ])('%s', async (_, change) => {
    await expect(intakeLimit({ ...run, ...change })).rejects.toThrow(
      /^the bare intake needs a rate and a number of deals above 0/,
    );
  });
});
