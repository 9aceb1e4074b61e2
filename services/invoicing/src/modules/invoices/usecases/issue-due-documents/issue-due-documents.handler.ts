import { Inject, Injectable } from '@nestjs/common';
import { applyTax, type CalendarDate, scheduleDocuments, type TaxRates, taxTreatment } from '@o2c/billing';
import {
  CLOCK,
  type Clock,
  contractVersionOf,
  type CreditNoteIssuedV1,
  EventTypes,
  type InvoiceIssuedV1,
} from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { SERVICE_ENV } from '@o2c/platform';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type InvoicingEnv } from '../../../../config/env.schema';
import { type ChargeLabel, issuedDocumentOf } from '../../domain/issued-document';
import { InvoicingRepository } from '../../infra/invoicing.repository';
import { TAX_RATES } from '../../infra/tax-rates.provider';

export interface IssuedDocument {
  documentId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  contractId: string;
}

/** A contract's documents cannot be issued (missing customer data, unknown tax country…); retrying will not help. */
export class CannotIssueError extends Error {
  override name = 'CannotIssueError';
}

/**
 * Issues every document of a contract's schedule dated on or before `asOf` that is not issued yet, in
 * date order, each with the next gapless number, tax, and its event in the outbox, all in the caller's
 * transaction. The contract is locked first, so concurrent runs never issue one document twice; a
 * document key is issued once for ever (billing rules §9).
 */
@Injectable()
export class IssueDueDocumentsHandler {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: InvoicingEnv,
    @Inject(TAX_RATES) private readonly rates: TaxRates,
  ) {}

  async execute(
    manager: EntityManager,
    contractId: string,
    asOf: CalendarDate,
    billRunId?: string,
  ): Promise<IssuedDocument[]> {
    await this.repository.lockContract(manager, contractId);
    const stored = await this.repository.versions(manager, contractId);
    if (stored.length === 0) return [];
    const last = stored.at(-1)!.data;
    const account = last.account;
    if (!account) throw new CannotIssueError(`contract ${contractId} names no customer account details`);
    const history = stored.map((version) => contractVersionOf(version.eventType, version.data));
    const charges = new Map<string, ChargeLabel>();
    for (const version of stored) {
      for (const charge of version.data.charges) {
        charges.set(charge.dealLineId, { chargeId: charge.chargeId, name: charge.catalog.name });
      }
    }
    const seller = {
      name: this.env.SELLER_NAME,
      country: this.env.SELLER_COUNTRY,
      ...(this.env.SELLER_TAX_ID ? { taxId: this.env.SELLER_TAX_ID } : {}),
    };
    const buyer = {
      name: account.name,
      country: account.country,
      ...(account.taxId ? { taxId: account.taxId } : {}),
      ...(account.billingEmail ? { billingEmail: account.billingEmail } : {}),
    };
    let tax;
    try {
      tax = taxTreatment(seller, buyer, this.rates);
    } catch (error) {
      throw new CannotIssueError(error instanceof Error ? error.message : String(error));
    }
    const issued = new Map(
      (await this.repository.issued(manager, contractId)).map((row) => [row.documentKey, row]),
    );
    const schedule = scheduleDocuments(history);
    const done: IssuedDocument[] = [];
    for (const scheduled of schedule) {
      if (scheduled.date.isAfter(asOf) || issued.has(scheduled.key)) continue;
      const document = applyTax(scheduled, tax);
      const prefix = document.kind === 'invoice' ? 'INV' : 'CN';
      const number = await this.repository.nextNumber(
        manager,
        this.env.ISSUING_ENTITY,
        prefix,
        document.date.year,
      );
      const documentId = uuidv7();
      const credited =
        document.creditsDocumentKey === undefined ? undefined : issued.get(document.creditsDocumentKey);
      const data = issuedDocumentOf(document, {
        documentId,
        number,
        contractId,
        accountId: last.accountId,
        buyer,
        seller,
        charges,
        ...(credited ? { credited: { documentId: credited.documentId, number: credited.number } } : {}),
      });
      await this.repository.insertDocument(manager, {
        documentId,
        kind: document.kind,
        number,
        contractId,
        accountId: last.accountId,
        documentKey: document.key,
        issueDate: document.date.toString(),
        ...(document.kind === 'invoice' ? { dueDate: document.dueDate.toString() } : {}),
        currency: document.currency,
        totalMinor: document.totalMinor,
        data,
        issuedAt: this.clock.now(),
        ...(billRunId === undefined ? {} : { billRunId }),
      });
      await this.outbox.record(manager, {
        type: document.kind === 'invoice' ? EventTypes.invoiceIssued : EventTypes.creditNoteIssued,
        key: last.accountId,
        subject: `${document.kind === 'invoice' ? 'invoice' : 'credit-note'}/${documentId}`,
        data: data satisfies InvoiceIssuedV1 | CreditNoteIssuedV1,
      });
      issued.set(document.key, { documentId, documentKey: document.key, number, kind: document.kind });
      done.push({ documentId, number, kind: document.kind, issueDate: document.date.toString(), contractId });
    }
    const next = schedule.find((scheduled) => !issued.has(scheduled.key));
    await this.repository.setNextDocumentDate(manager, contractId, next?.date.toString());
    return done;
  }
}
