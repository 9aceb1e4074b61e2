import { type MessageRetention } from '@o2c/messaging';
import { type ServiceEnv } from '../config/service-env';
import { MessageRetentionJob } from './message-retention.job';

const clock = { now: () => new Date('2027-01-10T15:30:00Z') };

describe(MessageRetentionJob.name, () => {
  it('prunes what is older than the retention, counted from the start of the as-of day', async () => {
    const prune = jest.fn().mockResolvedValue({ outbox: 3, inbox: 5 });
    const env = { MESSAGE_RETENTION_DAYS: 7, MESSAGE_RETENTION_INTERVAL_MINUTES: 60 } as ServiceEnv;
    const job = new MessageRetentionJob({ prune } as unknown as MessageRetention, clock, env);
    const runFor = (job as unknown as { runFor(asOf: string): Promise<unknown> }).runFor.bind(job);
    expect(await runFor('2027-01-10')).toEqual({
      job: 'message-retention',
      before: '2027-01-03T00:00:00.000Z',
      outbox: 3,
      inbox: 5,
    });
    expect(prune).toHaveBeenCalledWith(new Date('2027-01-03T00:00:00.000Z'));
  });
});
