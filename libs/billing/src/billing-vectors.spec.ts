import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, CalendarDate } from './calendar/calendar-date';
import { contractHistory } from './contract/contract-history';
import { type DealInput, type DealLineInput } from './contract/deal-input';
import { scheduleDocuments } from './schedule/document-schedule';

// The conformance vectors of billing-rules.md, computed by an independent implementation. The copy in
// test/ is what CI reads; when the shared specs folder sits beside the repository it must be identical.
const copy = join(__dirname, '..', 'test', 'billing-vectors.json');
const shared = join(__dirname, '..', '..', '..', '..', 'shared', 'specs', 'billing-vectors.json');

interface VectorLine {
  date: string;
  kind: 'invoice' | 'credit_note';
  lineId: string;
  serviceStart: string;
  serviceEnd: string;
  amountMinor: string;
}
type VectorDeal = Omit<DealInput, 'dealId' | 'lines'> & {
  id: string;
  lines?: Omit<DealLineInput, 'catalog'>[];
};
interface Vector {
  name: string;
  asOf: string;
  deals: VectorDeal[];
  documentLines: VectorLine[];
  netByDate: Record<string, string>;
}
interface VectorFile {
  catalog: Record<string, { chargeType: 'recurring' | 'one_time'; pricePeriod: 'month' | 'year' }>;
  vectors: Vector[];
}

const file = JSON.parse(readFileSync(copy, 'utf8')) as VectorFile;

function dealsOf(vector: Vector): DealInput[] {
  return vector.deals.map((deal) => ({
    ...deal,
    dealId: deal.id,
    // A cancellation in the vectors has no `lines` (the webhook form allows that, the event carries []).
    lines: (deal.lines ?? []).map((line) => {
      const entry = line.sku === undefined ? undefined : file.catalog[line.sku];
      return entry === undefined
        ? line
        : { ...line, catalog: { chargeType: entry.chargeType, defaultPricePeriod: entry.pricePeriod } };
    }),
  }));
}

function documentLinesUntil(vector: Vector): VectorLine[] {
  const asOf = CalendarDate.parse(vector.asOf);
  return scheduleDocuments(contractHistory(dealsOf(vector), asOf))
    .filter((doc) => !doc.date.isAfter(asOf))
    .flatMap((doc) =>
      doc.lines.map((line) => ({
        date: doc.date.toString(),
        kind: doc.kind,
        lineId: line.chargeId,
        serviceStart: line.servicePeriod.start.toString(),
        serviceEnd: line.servicePeriod.end.toString(),
        amountMinor: line.amountMinor.toString(),
      })),
    );
}

const order = (a: VectorLine, b: VectorLine) =>
  JSON.stringify([a.date, a.kind, a.lineId, a.serviceStart]).localeCompare(
    JSON.stringify([b.date, b.kind, b.lineId, b.serviceStart]),
  );

describe('billing-vectors.json', () => {
  it('is the same file as the shared specification, when that is present', () => {
    if (!existsSync(shared)) return;
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });

  it('holds the fourteen vectors of rules v1.1', () => {
    expect(file.vectors).toHaveLength(14);
  });

  describe.each(file.vectors.map((vector) => [vector.name, vector] as const))('%s', (_, vector) => {
    it('reproduces every document line', () => {
      expect([...documentLinesUntil(vector)].sort(order)).toEqual([...vector.documentLines].sort(order));
    });

    it('gives the same documents up to every date, and the same next one, when scheduled only that far', () => {
      const history = contractHistory(dealsOf(vector), CalendarDate.parse(vector.asOf));
      const whole = scheduleDocuments(history);
      const dates = [
        ...new Set(whole.flatMap((doc) => [doc.date.toString(), addDays(doc.date, -1).toString()])),
      ];
      for (const through of [...dates, vector.asOf].map((date) => CalendarDate.parse(date))) {
        const partial = scheduleDocuments(history, { through });
        const upTo = (documents: typeof whole) => documents.filter((doc) => !doc.date.isAfter(through));
        const next = (documents: typeof whole) => documents.find((doc) => doc.date.isAfter(through));
        expect(upTo(partial)).toEqual(upTo(whole));
        expect(next(partial)).toEqual(next(whole));
      }
    });

    it('nets to netByDate on every document date', () => {
      const net: Record<string, bigint> = {};
      for (const line of documentLinesUntil(vector)) {
        const signed = line.kind === 'invoice' ? BigInt(line.amountMinor) : -BigInt(line.amountMinor);
        net[line.date] = (net[line.date] ?? 0n) + signed;
      }
      const expected = Object.fromEntries(Object.entries(vector.netByDate).map(([d, v]) => [d, BigInt(v)]));
      expect(net).toEqual(expected);
    });
  });
});
