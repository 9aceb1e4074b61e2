import { CrmProblems } from '../crm.errors';
import { calendarDateOf, epochMillisOf, revisionOf, revisionOfLatest } from './crm-time';

describe(revisionOf.name, () => {
  it('counts whole seconds from 2020-01-01T00:00:00Z', () => {
    expect(revisionOf(Date.UTC(2020, 0, 1, 0, 0, 1))).toBe(1);
    // 2026-01-20T16:05:12.345Z: 2211 days and 57,912 s after 2020-01-01.
    expect(revisionOf(Date.UTC(2026, 0, 20, 16, 5, 12, 345))).toBe(191088312);
    expect(revisionOf(Date.UTC(2020, 0, 1))).toBeUndefined();
    // 2^31 - 1 seconds after 2020-01-01 is 2088-01-19T03:14:07Z.
    expect(revisionOf(Date.UTC(2088, 0, 19, 3, 14, 7))).toBe(2147483647);
    expect(revisionOf(Date.UTC(2088, 0, 19, 3, 14, 8))).toBeUndefined();
  });
});

describe(revisionOfLatest.name, () => {
  it('takes the latest change known, and reports one that has no revision at the path given', () => {
    const problems = new CrmProblems();
    // 00:01:00 is 60 s after 2020-01-01.
    const latest = [undefined, Date.UTC(2020, 0, 1, 0, 0, 10), Date.UTC(2020, 0, 1, 0, 1, 0)];
    expect(revisionOfLatest(latest, 'deal.properties.hs_lastmodifieddate', problems)).toBe(60);
    expect(revisionOfLatest([undefined], 'deal.properties.hs_lastmodifieddate', problems)).toBeUndefined();
    expect(problems.any).toBe(false);

    expect(
      revisionOfLatest([Date.UTC(2019, 11, 31)], 'Opportunity.SystemModstamp', problems),
    ).toBeUndefined();
    expect(problems.all).toEqual([
      {
        path: 'Opportunity.SystemModstamp',
        message: 'a record last modified before 2020-01-01T00:00:01Z or after 2088 has no revision',
      },
    ]);
  });
});

describe(epochMillisOf.name, () => {
  it('reads HubSpot and Salesforce timestamps and epoch milliseconds', () => {
    const expected = Date.UTC(2026, 0, 20, 16, 5, 12);
    expect(epochMillisOf('2026-01-20T16:05:12Z')).toBe(expected);
    expect(epochMillisOf('2026-01-20T16:05:12.000+0000')).toBe(expected);
    expect(epochMillisOf('2026-01-20T17:35:12+01:30')).toBe(expected);
    expect(epochMillisOf('1768925112000')).toBe(expected);
    expect(epochMillisOf('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(epochMillisOf('2026-01-20 16:05')).toBeUndefined();
  });
});

describe(calendarDateOf.name, () => {
  it('reads a date, or a timestamp at midnight UTC', () => {
    expect(calendarDateOf('2026-02-01')).toBe('2026-02-01');
    expect(calendarDateOf('2026-02-01T00:00:00.000Z')).toBe('2026-02-01');
    expect(calendarDateOf('1769904000000')).toBe('2026-02-01');
    expect(calendarDateOf('2026-02-01T09:00:00Z')).toBeUndefined();
  });
});
