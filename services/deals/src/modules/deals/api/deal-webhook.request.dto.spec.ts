import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldProblems } from '@o2c/platform';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DealWebhookRequest } from './deal-webhook.request.dto';

// The request's rules as the global validation pipe applies them (whitelist, nothing unknown).
function validate(deal: Record<string, unknown>) {
  const request = plainToInstance(DealWebhookRequest, { type: 'deal.closed_won', deal });
  const errors = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  return { request, paths: [...new Set(fieldProblems(errors).map((p) => p.path))] };
}

const vectors = JSON.parse(
  readFileSync(join(__dirname, '../../../../../../libs/billing/test/billing-vectors.json'), 'utf8'),
) as { vectors: { name: string; deals: Record<string, unknown>[] }[] };

const change = (kind: string, fields: Record<string, unknown>) => ({
  id: 'D2',
  revision: 1,
  closedAt: '2026-06-01T09:00:00Z',
  kind,
  amends: 'D1',
  account: { id: 'A1', name: 'Acme', country: 'US' },
  currency: 'USD',
  ...fields,
});

describe(DealWebhookRequest.name, () => {
  const vectorDeals = vectors.vectors.flatMap((v) =>
    v.deals.map((deal): [string, Record<string, unknown>] => [`${v.name}: ${String(deal['id'])}`, deal]),
  );

  it.each(vectorDeals)('takes the conformance vectors’ deal %s', (_name, deal) => {
    expect(validate(deal).paths).toEqual([]);
  });

  it('lets an amendment name a line of the contract by id with only its new discount', () => {
    const { paths } = validate(
      change('amendment', { effectiveDate: '2026-06-15', lines: [{ id: 'L1', discountPercent: '15' }] }),
    );
    expect(paths).toEqual([]);
  });

  it('wants a SKU on every line of a deal other than an amendment', () => {
    const renewal = change('renewal', {
      terms: { startDate: '2027-02-01', termMonths: 12, billingFrequency: 'annual', paymentTermsDays: 30 },
      lines: [{ id: 'L1', quantity: 70, unitPrice: '300.00' }],
    });
    expect(validate(renewal).paths).toEqual(['deal.lines.0.sku']);
  });

  it('refuses segments and a price period on a line named by id only, and a line that changes nothing', () => {
    const { paths } = validate(
      change('amendment', {
        effectiveDate: '2026-06-15',
        lines: [
          { id: 'L1', pricePeriod: 'month', quantity: 2 },
          {
            id: 'L2',
            segments: [{ startDate: '2026-06-15', endDate: '2027-02-01', quantity: 1, unitPrice: '1.00' }],
          },
          { id: 'L3' },
        ],
      }),
    );
    expect(paths).toEqual([
      'deal.lines.0.pricePeriod',
      'deal.lines.1.segments',
      'deal.lines.2.quantity',
      'deal.lines.2.unitPrice',
    ]);
  });

  it('reads a cancellation without lines as one with none, and refuses one with lines', () => {
    const cancellation = change('cancellation', { cancellation: { effective: 'end_of_term' } });
    const { request, paths } = validate(cancellation);
    expect(paths).toEqual([]);
    expect(request.deal.lines).toEqual([]);
    expect(validate({ ...cancellation, lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 0 }] }).paths).toEqual([
      'deal.lines',
    ]);
  });

  it('reads terms without autoRenew as not renewing, and keeps nothing but the fields in the deal', () => {
    const [deal] = vectors.vectors.find((v) => v.name.startsWith('monthly'))!.deals;
    const { request } = validate(deal!);
    expect(request.deal.terms!.autoRenew).toBe(false);
    const plain = instanceToPlain(request.deal) as { lines: object[] };
    expect(Object.getOwnPropertySymbols(plain.lines[0])).toEqual([]);
    expect(JSON.parse(JSON.stringify(request.deal))).toEqual(plain);
  });
});
