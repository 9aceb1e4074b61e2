import { admissionAfterEarlierRevision, admissionForContract } from './deal-application';

describe(admissionAfterEarlierRevision.name, () => {
  const deal = { dealId: '006-1', revision: 2 };

  it('applies a deal no revision of which changed a contract yet', () => {
    expect(admissionAfterEarlierRevision(deal, undefined)).toEqual({ kind: 'apply' });
  });

  it('does nothing for the same deal and revision again', () => {
    expect(admissionAfterEarlierRevision(deal, { contractId: 'c-1', revision: 2 })).toEqual({
      kind: 'duplicate',
    });
  });

  it('refuses another revision of a deal that changed a contract, naming both revisions', () => {
    expect(admissionAfterEarlierRevision(deal, { contractId: 'c-1', revision: 1 })).toEqual({
      kind: 'refused',
      reason:
        'deal 006-1 revision 1 already changed contract c-1; revision 2 is not applied (change a signed deal with an amendment)',
    });
  });
});

describe(admissionForContract.name, () => {
  it('lets a new deal create its contract and any other kind change an existing one', () => {
    expect(admissionForContract({ dealId: '006-1', kind: 'new', contractId: 'c-1' }, false)).toEqual({
      kind: 'apply',
    });
    expect(admissionForContract({ dealId: '006-2', kind: 'amendment', contractId: 'c-1' }, true)).toEqual({
      kind: 'apply',
    });
  });

  it('refuses a new deal for a contract that exists', () => {
    expect(admissionForContract({ dealId: '006-1', kind: 'new', contractId: 'c-1' }, true)).toEqual({
      kind: 'refused',
      reason: 'contract c-1 exists already; deal 006-1 cannot create it again',
    });
  });

  it('refuses a change of a contract that does not exist', () => {
    expect(admissionForContract({ dealId: '006-2', kind: 'renewal', contractId: 'c-9' }, false)).toEqual({
      kind: 'refused',
      reason: 'deal 006-2 (renewal) names contract c-9, which does not exist',
    });
  });
});
