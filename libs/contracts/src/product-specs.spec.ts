import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The product's contracts are in the repository (docs/specs) so that a clone has them. Where they are written,
// ../shared/specs beside the repository, the copies must be the same bytes.
const root = join(__dirname, '..', '..', '..');
const copies = join(root, 'docs', 'specs');
const shared = join(root, '..', 'shared', 'specs');
const files = ['billing-rules.md', 'billing-vectors.json', 'deal-webhook.md', 'events.md'];
const sharedPresent = existsSync(shared);
if (!sharedPresent) {
  console.warn(`skipped: the comparison of docs/specs with ${shared}, which does not exist here`);
}

describe('docs/specs', () => {
  it.each(files)('holds %s', (file) => {
    expect(readFileSync(join(copies, file), 'utf8').length).toBeGreaterThan(0);
  });

  (sharedPresent ? it.each(files) : it.skip.each(files))(
    '%s is the same file as in ../shared/specs',
    (file) => {
      expect(readFileSync(join(copies, file), 'utf8')).toBe(readFileSync(join(shared, file), 'utf8'));
    },
  );

  it('billing-vectors.json is the same file as the copy the billing tests read (libs/billing/test)', () => {
    expect(readFileSync(join(copies, 'billing-vectors.json'), 'utf8')).toBe(
      readFileSync(join(root, 'libs', 'billing', 'test', 'billing-vectors.json'), 'utf8'),
    );
  });
});
