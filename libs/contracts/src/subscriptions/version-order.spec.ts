import { versionArrival, versionGapReason } from './version-order';

describe(versionArrival.name, () => {
  it.each([
    [0, 1, 'next'],
    [3, 4, 'next'],
    [3, 3, 'stored'],
    [3, 1, 'stored'],
    [0, 2, 'gap'],
    [3, 5, 'gap'],
  ] as const)('with version %i stored, version %i is %s', (latestStored, version, expected) => {
    expect(versionArrival(latestStored, version)).toBe(expected);
  });
});

describe(versionGapReason.name, () => {
  it('names the contract, the version that arrived and the one it waits for', () => {
    expect(versionGapReason('c-1', 5, 3)).toBe('contract c-1 version 5 arrived before version 4');
  });
});
