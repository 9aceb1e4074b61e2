import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { SERVICES, type ServiceName, Upstreams } from '../gateway/upstreams';
import {
  buildTimeline,
  type ContractView,
  type DeadLetter,
  type DealDetail,
  type Delivery,
  type DocumentView,
  type EntitlementChange,
  type Timeline,
} from './timeline';

export type Matched = 'deal' | 'contract' | 'account' | 'invoice' | 'credit_note';

export interface TimelineAnswer extends Timeline {
  id: string;
  /** What the id turned out to be. */
  matched: Matched;
  accountId: string | null;
  contractIds: string[];
  dealIds: string[];
}

const DOCUMENT_NUMBER = /^(INV|CN)-(\d{4})-\d+$/;
/** Pages of 100 read at most per list: a contract with more documents than that shows the newest. */
const MAX_PAGES = 10;
const enc = encodeURIComponent;

/**
 * Gathers a timeline from the four services' own APIs, with the operator's credential: the id is tried as a deal
 * id, an invoice or credit-note number, a contract id, then an account id.
 */
@Injectable()
export class GatherTimeline {
  constructor(
    private readonly upstreams: Upstreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(id: string, authorization: string): Promise<TimelineAnswer> {
    const read = <T>(service: ServiceName, path: string) =>
      this.upstreams.read<T>(service, path, authorization);
    const pages = <T>(service: ServiceName, path: string) =>
      this.upstreams.readPages<T>(service, path, authorization, MAX_PAGES).then((page) => page.items);

    const deals = new Map<string, DealDetail>();
    const contractIds = new Set<string>();
    let accountId: string | null = null;
    let matched: Matched | undefined;

    const deal = await read<DealDetail>('deals', `/v1/deals/${enc(id)}`);
    if (deal) {
      matched = 'deal';
      deals.set(deal.dealId, deal);
      accountId = deal.accountId;
      if (deal.contractId) contractIds.add(deal.contractId);
    }
    const number = DOCUMENT_NUMBER.exec(id);
    if (!matched && number) {
      const document = await this.documentByNumber(
        id,
        number[1] === 'INV' ? 'invoices' : 'credit-notes',
        number[2]!,
        authorization,
      );
      if (document) {
        matched = number[1] === 'INV' ? 'invoice' : 'credit_note';
        accountId = document.accountId;
        contractIds.add(document.contractId);
      }
    }
    if (!matched) {
      const contract = await read<ContractView>('subscriptions', `/v1/contracts/${enc(id)}`);
      if (contract) {
        matched = 'contract';
        accountId = contract.accountId;
        contractIds.add(contract.contractId);
      }
    }
    if (!matched) {
      const [history, invoices] = await Promise.all([
        read<{ items: EntitlementChange[] }>('provisioning', `/v1/accounts/${enc(id)}/entitlements/history`),
        read<{ items: DocumentView[] }>('invoicing', `/v1/invoices?accountId=${enc(id)}&limit=100`),
      ]);
      for (const change of history?.items ?? []) contractIds.add(change.contractId);
      for (const invoice of invoices?.items ?? []) contractIds.add(invoice.contractId);
      if (contractIds.size > 0) {
        matched = 'account';
        accountId = id;
      }
    }
    if (!matched) {
      throw new NotFoundException({
        title: 'Not Found',
        code: 'CONSOLE.NOTHING_FOUND',
        detail: `Nothing is known by ${id}: it is no deal id, invoice or credit-note number, contract id, or account with a contract`,
      });
    }

    const contracts = (
      await Promise.all(
        [...contractIds].map((contractId) =>
          read<ContractView>('subscriptions', `/v1/contracts/${enc(contractId)}`),
        ),
      )
    ).filter((contract): contract is ContractView => contract !== undefined);
    const missingDeals = new Set<string>();
    for (const contract of contracts)
      for (const version of contract.versions)
        if (version.source?.dealId && !deals.has(version.source.dealId))
          missingDeals.add(version.source.dealId);
    for (const found of await Promise.all(
      [...missingDeals].map((dealId) => read<DealDetail>('deals', `/v1/deals/${enc(dealId)}`)),
    ))
      if (found) deals.set(found.dealId, found);

    const ofContracts = <T extends { contractId: string }>(items: T[]) =>
      items.filter((item) => contractIds.has(item.contractId));
    const [invoices, creditNotes, history, deliveries, deadLetters] = await Promise.all([
      Promise.all(
        [...contractIds].map((contractId) =>
          pages<DocumentView>('invoicing', `/v1/invoices?contractId=${enc(contractId)}&limit=100`),
        ),
      ),
      Promise.all(
        [...contractIds].map((contractId) =>
          pages<DocumentView>('invoicing', `/v1/credit-notes?contractId=${enc(contractId)}&limit=100`),
        ),
      ),
      accountId && contractIds.size > 0
        ? read<{ items: EntitlementChange[] }>(
            'provisioning',
            `/v1/accounts/${enc(accountId)}/entitlements/history`,
          )
        : undefined,
      accountId && contractIds.size > 0
        ? read<{ items: Delivery[] }>('provisioning', `/v1/accounts/${enc(accountId)}/deliveries`)
        : undefined,
      accountId ? this.deadLettersOf(accountId, authorization) : [],
    ]);

    const timeline = buildTimeline(
      {
        deals: [...deals.values()],
        contracts,
        invoices: invoices.flat(),
        creditNotes: creditNotes.flat(),
        entitlementChanges: ofContracts(history?.items ?? []),
        deliveries: ofContracts(deliveries?.items ?? []),
        deadLetters,
      },
      this.clock.now().toISOString().slice(0, 10),
    );
    return {
      id,
      matched,
      accountId,
      contractIds: [...contractIds],
      dealIds: [...deals.keys()],
      ...timeline,
    };
  }

  /**
   * The services list documents by account, contract, status and date, not by number: the number's year bounds
   * the issue dates to read (a document is numbered in the year of its date).
   */
  private async documentByNumber(
    number: string,
    list: 'invoices' | 'credit-notes',
    year: string,
    authorization: string,
  ): Promise<DocumentView | undefined> {
    let found: DocumentView | undefined;
    await this.upstreams.readPages<DocumentView>(
      'invoicing',
      `/v1/${list}?from=${year}-01-01&to=${year}-12-31&limit=100`,
      authorization,
      100,
      (document) => {
        if (document.number === number) found = document;
        return found !== undefined;
      },
    );
    return found;
  }

  /** Pending dead letters of any service keyed by the account (events are keyed by account id). */
  private async deadLettersOf(accountId: string, authorization: string) {
    const lists = await Promise.all(
      SERVICES.map(async (service) => {
        const answer = await this.upstreams.read<{ items: DeadLetter[] }>(
          service,
          '/v1/admin/dead-letters',
          authorization,
        );
        return (answer?.items ?? [])
          .filter((deadLetter) => deadLetter.key === accountId)
          .map((deadLetter) => ({ service, deadLetter }));
      }),
    );
    return lists.flat();
  }
}
