import { asOfRunsOnly, newSigningKey, type Stack, startStack, type WebhookDeal } from '@o2c/testing';

/**
 * The four services as processes, with time under the journey's control: no job runs by itself and invoicing
 * issues only in bill runs (`asOfRunsOnly`); provisioning signs with a fresh key and delivers to no product.
 */
export function startJourneyStack(name: string): Promise<Stack> {
  return startStack(name, {
    deals: {},
    subscriptions: asOfRunsOnly.subscriptions,
    invoicing: asOfRunsOnly.invoicing,
    provisioning: { ...asOfRunsOnly.provisioning, PROVISIONING_SIGNING_KEY: newSigningKey() },
  });
}

/** What a journey does on its stack: post deals, run the jobs as of a date, read the seats provisioned. */
export interface Journey {
  /** Posts the deal (202 expected), waits until every service holds the contract at `version`; its id. */
  post(deal: WebhookDeal, version: number): Promise<string>;
  /**
   * The renewal run, then (once every service holds what it renewed) the bill run, as of `asOf`; neither may set
   * the contract aside.
   */
  runJobs(asOf: string, contractId: string): Promise<void>;
  /** The provisioning run as of `asOf`, then the seats each licence product of the account grants. */
  provisionedSeats(asOf: string, accountId: string): Promise<Record<string, number>>;
}

export function journeyOn(stack: Stack): Journey {
  return {
    async post(deal, version) {
      const { status, body } = await stack.postDeal(deal);
      expect({ status, outcome: body.status }).toEqual({ status: 202, outcome: 'accepted' });
      const contractId = body.contractId as string;
      await stack.settled(contractId, version);
      return contractId;
    },
    async runJobs(asOf, contractId) {
      const renewals = await stack.renewalRun(asOf);
      expect(renewals.failed.filter((failure) => failure.contractId === contractId)).toEqual([]);
      const contract = await stack.call<{ version: number }>(
        'subscriptions',
        'GET',
        `/v1/contracts/${contractId}`,
      );
      await stack.settled(contractId, contract.body.version);
      const billRun = await stack.billRun(asOf);
      expect(billRun.failed.filter((failure) => failure.contractId === contractId)).toEqual([]);
    },
    async provisionedSeats(asOf, accountId) {
      const run = await stack.provisioningRun(asOf);
      expect(run.failed).toEqual([]);
      const { body } = await stack.call<{ entitlements: { product: string; seats: number }[] }>(
        'provisioning',
        'GET',
        `/v1/accounts/${accountId}/entitlements`,
      );
      return Object.fromEntries(body.entitlements.map((e) => [e.product, e.seats]));
    },
  };
}
