import { type CatalogEntrySnapshotV1, type DealClosedV1 } from '@o2c/contracts';
import { instanceToPlain } from 'class-transformer';
import { type ClosedDeal, type ClosedDealLine } from './deal';

/** A line of a contract as the accepted deal that introduced it says: its SKU and that deal's catalog snapshot. */
export interface ContractLine {
  readonly sku: string;
  readonly catalog: CatalogEntrySnapshotV1;
}

/**
 * The lines of a contract after its accepted deals (their `o2c.deal.closed.v1` data, in the order they
 * were accepted), by line id: a new deal or a renewal deal sets them (a renewal lists the next term's
 * lines in full), an amendment adds the lines it introduces. A line an amendment sets to 0 stays, as
 * it does in the billing engine's contract.
 */
export function contractLinesOf(
  accepted: readonly Pick<DealClosedV1, 'kind' | 'lines'>[],
): Map<string, ContractLine> {
  const lines = new Map<string, ContractLine>();
  for (const deal of accepted) {
    if (deal.kind === 'new' || deal.kind === 'renewal') lines.clear();
    if (deal.kind === 'cancellation') continue;
    for (const line of deal.lines) {
      // An amendment's change of an existing line carries the snapshot it was filled with, or (named
      // with its SKU) the catalog entry current when it was accepted; either is the line's from then on.
      lines.set(line.id, { sku: line.sku, catalog: line.catalog });
    }
  }
  return lines;
}

/**
 * The SKU and catalog entry of a deal line: an amendment's line without `sku` changes a line of the
 * contract and takes both from it; any other line has its SKU and the catalog's current entry.
 * Undefined when neither is known (the deal is not billable, or its contract does not exist yet).
 */
export function resolveLine(
  line: ClosedDealLine,
  catalog: ReadonlyMap<string, CatalogEntrySnapshotV1>,
  contractLines: ReadonlyMap<string, ContractLine> | undefined,
): ContractLine | undefined {
  if (line.sku === undefined) return contractLines?.get(line.id);
  const entry = catalog.get(line.sku);
  return entry && { sku: line.sku, catalog: entry };
}

/** `o2c.deal.closed.v1`: the deal as received, with its contract, and each line's SKU and catalog snapshot. */
export function closedEventOf(
  deal: ClosedDeal,
  contractId: string,
  lines: readonly ContractLine[],
): DealClosedV1 {
  const { id, ...plain } = instanceToPlain(deal) as Record<string, unknown> & {
    lines: Record<string, unknown>[];
  };
  return {
    dealId: id,
    ...plain,
    contractId,
    lines: plain.lines.map((line, i) => ({ ...line, sku: lines[i]!.sku, catalog: lines[i]!.catalog })),
  } as unknown as DealClosedV1;
}
