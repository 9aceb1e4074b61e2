import { type DocumentKind, type ScheduledDocument } from '@o2c/billing';
import { Fraction, minorUnitDecimals } from '@o2c/money';

/** One line of an issued document, as the ledger of corrections reads it. */
export interface IssuedLine {
  dealLineId: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  servicePeriod?: { start: string; end: string };
  amountMinor: bigint;
  /** `explanation.exactAmountMinor`: the line's amount before its one rounding, in minor units. */
  exactMinor: Fraction;
  creditedInvoiceId?: string;
  creditedInvoiceNumber?: string;
}

/** What a line of a correcting document corrects: a document key of the schedule and one of its charges. */
export interface CorrectedCharge {
  documentKey: string;
  chargeId: string;
  /** The exact change of the net billed for that key and charge (minor units, `n/d`, signed), for later comparisons. */
  exactMinor: string;
}

export interface IssuedDocumentRecord {
  documentId: string;
  documentKey: string;
  number: string;
  kind: DocumentKind;
  lines: IssuedLine[];
  /** Correcting documents only: per line, what it corrects. */
  corrects?: CorrectedCharge[];
}

/** One line of a correcting document: the difference, for one charge, between what the schedule bills and what was issued. */
export interface CorrectionLine {
  corrected: { documentKey: string; number: string };
  /** Credit-note lines: the invoice whose billing they lower (the corrected invoice, or the one the corrected credit note credits). */
  creditedInvoice?: { documentId: string; number: string };
  chargeId: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  servicePeriod?: { start: string; end: string };
  /** Positive: what the correcting invoice charges or the correcting credit note credits. */
  amountMinor: bigint;
  /** What the schedule bills now and what was issued, net of credits, for this key and charge (rounded, minor units). */
  scheduledMinor: bigint;
  issuedMinor: bigint;
  /** The exact net change (signed), kept with the line so that later comparisons start from the schedule's exact amount. */
  exactMinor: Fraction;
}

export interface Corrections {
  invoiceLines: CorrectionLine[];
  creditNoteLines: CorrectionLine[];
}

/** `"29937600/73"` or `"1620000"`. */
export function parseExactMinor(text: string): Fraction {
  const [numerator, denominator = '1'] = text.split('/');
  return Fraction.of(BigInt(numerator!), BigInt(denominator));
}

interface Billed {
  exact: Fraction;
  rounded: bigint;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  start?: string;
  end?: string;
}

type Ledger = Map<string, Map<string, Billed>>;

function add(
  ledger: Ledger,
  key: string,
  chargeId: string,
  line: Omit<Billed, 'start' | 'end'> & { servicePeriod?: { start: string; end: string } | undefined },
): void {
  const byCharge = ledger.get(key) ?? new Map<string, Billed>();
  ledger.set(key, byCharge);
  const before = byCharge.get(chargeId);
  const period = line.servicePeriod;
  byCharge.set(chargeId, {
    exact: (before?.exact ?? Fraction.ZERO).add(line.exact),
    rounded: (before?.rounded ?? 0n) + line.rounded,
    sku: line.sku,
    chargeType: line.chargeType,
    ...earliestAndLatest(before, period),
  });
}

function earliestAndLatest(
  before: Billed | undefined,
  period: { start: string; end: string } | undefined,
): { start?: string; end?: string } {
  const starts = [before?.start, period?.start].filter((date): date is string => date !== undefined).sort();
  const ends = [before?.end, period?.end].filter((date): date is string => date !== undefined).sort();
  return {
    ...(starts.length > 0 ? { start: starts[0] } : {}),
    ...(ends.length > 0 ? { end: ends.at(-1) } : {}),
  };
}

/**
 * Billing rules §5, a change that arrives after documents it affects were issued: for every document key of the
 * schedule that was issued, and every charge on it, the difference between what the schedule bills now and what
 * was issued for it (the document, net of earlier corrections). A difference is corrected only when the exact
 * amounts differ, so that an earlier invoice the engine now cuts into pieces (whose exact sum is unchanged, its
 * rounded sum perhaps not) is left alone; the correction is the difference of the rounded amounts, so that the
 * net billed per key is the schedule's to the minor unit. A key the schedule no longer has (a period after a
 * backdated immediate cancellation) is credited in full.
 */
export function correctionsOf(
  schedule: readonly ScheduledDocument[],
  issued: readonly IssuedDocumentRecord[],
): Corrections {
  const originals = new Map(
    issued.filter((document) => !document.corrects).map((document) => [document.documentKey, document]),
  );
  const billed: Ledger = new Map();
  for (const document of issued) {
    const sign = document.kind === 'invoice' ? 1n : -1n;
    document.lines.forEach((line, index) => {
      const corrected = document.corrects?.[index];
      const key = corrected?.documentKey ?? document.documentKey;
      if (!originals.has(key)) return;
      add(billed, key, corrected?.chargeId ?? line.dealLineId, {
        exact: corrected
          ? parseExactMinor(corrected.exactMinor)
          : line.exactMinor.mul(Fraction.fromInteger(sign)),
        rounded: sign * line.amountMinor,
        sku: line.sku,
        chargeType: line.chargeType,
        servicePeriod: line.servicePeriod,
      });
    });
  }
  const scheduled: Ledger = new Map();
  for (const document of schedule) {
    if (!originals.has(document.key)) continue;
    const sign = document.kind === 'invoice' ? 1n : -1n;
    const scale = Fraction.fromInteger(10n ** BigInt(minorUnitDecimals(document.currency)));
    for (const line of document.lines) {
      add(scheduled, document.key, line.chargeId, {
        exact: line.explanation.exactAmount.mul(scale).mul(Fraction.fromInteger(sign)),
        rounded: sign * line.amountMinor,
        sku: line.sku,
        chargeType: line.chargeType,
        servicePeriod:
          line.chargeType === 'recurring'
            ? { start: line.servicePeriod.start.toString(), end: line.servicePeriod.end.toString() }
            : undefined,
      });
    }
  }
  const corrections: Corrections = { invoiceLines: [], creditNoteLines: [] };
  for (const [key, original] of originals) {
    const issuedCharges = billed.get(key) ?? new Map<string, Billed>();
    const scheduledCharges = scheduled.get(key) ?? new Map<string, Billed>();
    const chargeIds = [...new Set([...issuedCharges.keys(), ...scheduledCharges.keys()])].sort();
    for (const chargeId of chargeIds) {
      const was = issuedCharges.get(chargeId);
      const is = scheduledCharges.get(chargeId);
      const wasExact = was?.exact ?? Fraction.ZERO;
      const isExact = is?.exact ?? Fraction.ZERO;
      if (wasExact.equals(isExact)) continue;
      const difference = (is?.rounded ?? 0n) - (was?.rounded ?? 0n);
      if (difference === 0n) continue;
      const about = (is ?? was)!;
      const span = earliestAndLatest(was, is?.start && is.end ? { start: is.start, end: is.end } : undefined);
      const line: CorrectionLine = {
        corrected: { documentKey: key, number: original.number },
        chargeId,
        sku: about.sku,
        chargeType: about.chargeType,
        ...(about.chargeType === 'recurring' && span.start && span.end
          ? { servicePeriod: { start: span.start, end: span.end } }
          : {}),
        amountMinor: difference > 0n ? difference : -difference,
        scheduledMinor: is?.rounded ?? 0n,
        issuedMinor: was?.rounded ?? 0n,
        exactMinor: isExact.sub(wasExact),
      };
      if (difference > 0n) {
        corrections.invoiceLines.push(line);
      } else {
        corrections.creditNoteLines.push({ ...line, creditedInvoice: invoiceBilledBy(original) });
      }
    }
  }
  return corrections;
}

/** The invoice whose billing a key's document belongs to: itself, or the invoice a credit note credits. */
function invoiceBilledBy(document: IssuedDocumentRecord): { documentId: string; number: string } {
  if (document.kind === 'invoice') return { documentId: document.documentId, number: document.number };
  const line = document.lines.find((candidate) => candidate.creditedInvoiceId !== undefined);
  if (!line?.creditedInvoiceId || !line.creditedInvoiceNumber) {
    throw new Error(`credit note ${document.number} names no invoice it credits`);
  }
  return { documentId: line.creditedInvoiceId, number: line.creditedInvoiceNumber };
}
