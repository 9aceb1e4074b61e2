import { EventTypes, type SubscriptionEventData } from '@o2c/contracts';
import { createTestDatabase } from '@o2c/testing';
import { DataSource } from 'typeorm';
import { type Entitlement } from '../../src/modules/entitlements/domain/entitlement-timeline';
import { CreateEntitlements1764600000000 } from '../../src/modules/entitlements/infra/1764600000000-create-entitlements';
import {
  type ContractRow,
  EntitlementRepository,
  type RecordedChange,
} from '../../src/modules/entitlements/infra/entitlement.repository';
import { CreateLicences1764300000000 } from '../../src/modules/licences/infra/1764300000000-create-licences';

// The repository's writes that each do several things in one statement, against the real PostgreSQL.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;
const repository = new EntitlementRepository();
const NOW = new Date('2026-03-01T09:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase('entitlement_repository');
  dataSource = new DataSource({
    type: 'postgres',
    url: database.location.url,
    migrations: [CreateLicences1764300000000, CreateEntitlements1764600000000],
    migrationsRun: true,
  });
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

const entitlement = (product: string, seats: number, features: string[] = ['core']): Entitlement => ({
  product,
  seats,
  features,
  validFrom: '2026-03-01',
  validTo: '2027-03-01',
  since: '2026-03-01',
});

const change = (contractId: string, product: string, kind: RecordedChange['kind']): RecordedChange => ({
  product,
  kind,
  effectiveDate: '2026-03-01',
  accountId: 'A-1',
  contractId,
  appliedAsOf: '2026-03-01',
  event: { id: `e-${product}`, type: EventTypes.subscriptionAmended, contractVersion: 2 },
  licenseId: 'L-1',
  licenceEvent: EventTypes.licenseUpdated,
  recordedAt: NOW.toISOString(),
});

describe('EntitlementRepository, on the real PostgreSQL', () => {
  it("creates a contract's row on its first event, returns it as stored afterwards, and locks it", async () => {
    const created = await dataSource.transaction((m) => repository.lockContract(m, 'C-lock', 'A-1', NOW));
    expect(created).toEqual({
      contractId: 'C-lock',
      accountId: 'A-1',
      latestVersion: 0,
      provisionedAsOf: null,
    });
    await dataSource.transaction((m) =>
      repository.addVersion(
        m,
        'C-lock',
        {
          version: 1,
          type: EventTypes.subscriptionActivated,
          eventId: 'e-1',
          relevantDate: '2026-03-01',
          data: {} as SubscriptionEventData,
        },
        NOW,
      ),
    );
    await dataSource.query(
      `UPDATE contract SET provisioned_as_of = '2026-03-01' WHERE contract_id = 'C-lock'`,
    );

    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // Another account's id does not change whose contract it is.
      const again = await repository.lockContract(runner.manager, 'C-lock', 'A-other', NOW);
      expect(again).toEqual({
        contractId: 'C-lock',
        accountId: 'A-1',
        latestVersion: 1,
        provisionedAsOf: '2026-03-01',
      });
      await expect(
        dataSource.transaction(async (m) => {
          await m.query(`SET LOCAL lock_timeout = '300ms'`);
          await repository.lockContract(m, 'C-lock', 'A-1', NOW);
        }),
      ).rejects.toThrow(/lock timeout/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('stores a version and raises the latest version, never lowers it', async () => {
    await dataSource.transaction(async (m) => {
      await repository.lockContract(m, 'C-versions', 'A-1', NOW);
      for (const version of [1, 3, 2])
        await repository.addVersion(
          m,
          'C-versions',
          {
            version,
            type: EventTypes.subscriptionAmended,
            eventId: `e-${version}`,
            relevantDate: '2026-03-01',
            data: { version } as unknown as SubscriptionEventData,
          },
          NOW,
        );
    });
    const [row] = await dataSource.query<{ latest_version: number }[]>(
      `SELECT latest_version FROM contract WHERE contract_id = 'C-versions'`,
    );
    expect(row!.latest_version).toBe(3);
    const versions = await dataSource.transaction((m) => repository.versions(m, 'C-versions'));
    expect(versions.map((v) => [v.version, v.eventId])).toEqual([
      [1, 'e-1'],
      [2, 'e-2'],
      [3, 'e-3'],
    ]);
  });

  it('replaces the entitlements in force (gone, changed, new, kept) and records the changes in their order', async () => {
    const contract: ContractRow = await dataSource.transaction((m) =>
      repository.lockContract(m, 'C-replace', 'A-1', NOW),
    );
    await dataSource.transaction((m) =>
      repository.replaceEntitlements(
        m,
        contract,
        'L-1',
        [entitlement('analytics', 5), entitlement('platform', 1), entitlement('pro', 10)],
        [change('C-replace', 'analytics', 'granted'), change('C-replace', 'platform', 'granted')],
        NOW,
      ),
    );
    const later = new Date('2026-06-01T09:00:00Z');
    await dataSource.transaction((m) =>
      repository.replaceEntitlements(
        m,
        contract,
        'L-2',
        [entitlement('platform', 1), entitlement('pro', 25, ['core', 'sso']), entitlement('support', 1)],
        [
          change('C-replace', 'support', 'granted'),
          change('C-replace', 'analytics', 'ended'),
          change('C-replace', 'pro', 'changed'),
        ],
        later,
      ),
    );
    const rows = await dataSource.transaction((m) => repository.entitlements(m, 'C-replace'));
    expect(rows).toEqual([
      { ...entitlement('platform', 1), contractId: 'C-replace', licenseId: 'L-2' },
      { ...entitlement('pro', 25, ['core', 'sso']), contractId: 'C-replace', licenseId: 'L-2' },
      { ...entitlement('support', 1), contractId: 'C-replace', licenseId: 'L-2' },
    ]);
    const updated = await dataSource.query<{ updated_at: Date }[]>(
      `SELECT updated_at FROM entitlement WHERE contract_id = 'C-replace'`,
    );
    expect(updated.map((r) => r.updated_at.toISOString())).toEqual(Array(3).fill(later.toISOString()));
    const history = await dataSource.transaction((m) => repository.accountHistory(m, 'A-1'));
    expect(history.map((c) => [c.product, c.kind])).toEqual([
      ['analytics', 'granted'],
      ['platform', 'granted'],
      ['support', 'granted'],
      ['analytics', 'ended'],
      ['pro', 'changed'],
    ]);

    await dataSource.transaction((m) =>
      repository.replaceEntitlements(m, contract, 'L-2', [], [change('C-replace', 'pro', 'ended')], later),
    );
    expect(await dataSource.transaction((m) => repository.entitlements(m, 'C-replace'))).toEqual([]);
  });
});
