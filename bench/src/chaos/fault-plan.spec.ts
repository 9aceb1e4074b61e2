import { faultPlan } from '../chaos';
import { seededRandom } from './workload';

describe("the chaos run's faults", () => {
  it('kills every service in turn, restarts each server once, and misbehaves on both proxies', () => {
    const plan = faultPlan({ kills: 12, faults: ['kill', 'restart', 'proxy'] }, seededRandom(1));
    const names = plan.map((f) => `${f.kind} ${f.target}`);
    for (const service of ['deals', 'subscriptions', 'invoicing', 'provisioning'])
      expect(names.filter((n) => n === `kill ${service}`)).toHaveLength(3);
    expect(names.filter((n) => n.startsWith('restart')).sort()).toEqual([
      'restart kafka',
      'restart postgres',
    ]);
    expect(names.filter((n) => n.startsWith('proxy'))).toHaveLength(6);
    // A kill stops its own stage only; anything else stops them all.
    expect(plan.find((f) => f.target === 'deals')!.stages).toEqual(['webhook']);
    expect(plan.find((f) => f.kind === 'restart')!.stages).toHaveLength(4);
  });

  it('keeps only the kinds asked for, in an order the seed decides', () => {
    expect(faultPlan({ kills: 4, faults: ['restart'] }, seededRandom(1)).map((f) => f.kind)).toEqual([
      'restart',
      'restart',
    ]);
    const order = (seed: number) =>
      faultPlan({ kills: 12, faults: ['kill', 'restart', 'proxy'] }, seededRandom(seed)).map(
        (f) => `${f.kind} ${f.target}`,
      );
    expect(order(7)).toEqual(order(7));
    expect(order(7)).not.toEqual(order(8));
  });
});
