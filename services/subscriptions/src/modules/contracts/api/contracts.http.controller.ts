import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CalendarDate, presentDocument, scheduleDocuments, withAutomaticRenewals } from '@o2c/billing';
import { AdminOnly } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { ContractRepository, engineHistory, type StoredVersion } from '../infra/contract.repository';
import { RenewContractsHandler } from '../usecases/renew-contracts/renew-contracts.handler';
import { RunRenewalsRequestDto } from './run-renewals.request.dto';

/**
 * Operations' view of the contracts and the renewal run, behind ADMIN_TOKEN: a contract holds the customer's
 * name, tax id, prices and terms, which nobody without the token may read.
 */
@Controller()
@AdminOnly()
export class ContractsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractRepository,
    private readonly renewals: RenewContractsHandler,
  ) {}

  private async historyOf(contractId: string): Promise<StoredVersion[]> {
    const stored = await this.contracts.history(this.dataSource.manager, contractId);
    if (stored.length === 0) throw new NotFoundException(`Contract ${contractId} does not exist`);
    return stored;
  }

  /** The contract as it stands, and every version with the change that made it. */
  @Get('v1/contracts/:id')
  async get(@Param('id') id: string) {
    const stored = await this.historyOf(id);
    return {
      ...stored.at(-1)!.data,
      versions: stored.map((version) => ({
        version: version.version,
        eventType: version.eventType,
        source: version.data.source,
        ...(version.data.effectiveDate === undefined ? {} : { effectiveDate: version.data.effectiveDate }),
        ...(version.data.cancellation === undefined ? {} : { cancellation: version.data.cancellation }),
        recordedAt: version.createdAt,
        state: version.data,
      })),
    };
  }

  /**
   * Every document the contract produces in its current term and, when it renews, the first renewal, each
   * line with its explanation. Before tax: invoicing applies the customer's rate when it issues them.
   */
  @Get('v1/contracts/:id/billing-schedule')
  async schedule(@Param('id') id: string) {
    const history = engineHistory(await this.historyOf(id));
    const current = history.at(-1)!;
    const documents = scheduleDocuments(withAutomaticRenewals(history, current.term.end)).filter(
      (document) => !document.date.isBefore(current.term.start),
    );
    return {
      contractId: id,
      currency: current.currency,
      term: { startDate: current.term.start.toString(), endDate: current.term.end.toString() },
      documents: documents.map((document) => presentDocument(document)),
    };
  }

  /** Runs the automatic renewal for any date (the daily job runs it for today). */
  @Post('v1/admin/renewals')
  @HttpCode(200)
  async runRenewals(@Body() body: RunRenewalsRequestDto) {
    return this.renewals.execute(CalendarDate.parse(body.asOf));
  }
}
