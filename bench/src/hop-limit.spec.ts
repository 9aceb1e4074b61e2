import { hopLimit, type HopRun } from './hop-limit';

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
