import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { type Response } from 'express';
import { reasonOf } from '../../deals/domain/deal';
import { type WebhookDealResult } from '../../deals/usecases/accept-deal/accept-deal.command';
import { AcceptDealHandler } from '../../deals/usecases/accept-deal/accept-deal.handler';
import { CrmErrorCode, type CrmMapping } from '../crm.errors';
import { toCanonicalDeal } from './canonical-deal';
import { parseExactJson } from './exact-json';

type WebhookReply =
  | {
      readonly status: 200 | 202;
      readonly body: { dealId: string; status: 'accepted' | 'held'; contractId: string | null };
    }
  | { readonly status: 200 | 422; readonly body: { dealId: string; status: 'rejected'; reasons: string[] } };

/**
 * The reply deal-webhook.md gives: 202 the first time (422 with every reason when rejected), and 200
 * with the same body for the same deal id and revision again.
 */
// The canonical controller words its replies itself; both should share one function once its rework settles.
export function webhookReply(result: WebhookDealResult): WebhookReply {
  const { deal } = result;
  const again = result.outcome === 'duplicate';
  if (deal.status === 'rejected') {
    return {
      status: again ? 200 : 422,
      body: { dealId: deal.dealId, status: 'rejected', reasons: deal.problems.map(reasonOf) },
    };
  }
  return {
    status: again ? 200 : 202,
    body: { dealId: deal.dealId, status: deal.status, contractId: deal.contractId },
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * What both CRM webhooks do once the signature is checked: read the raw body exactly, map it to the
 * canonical deal, validate that as the canonical webhook would, and hand it to the same intake
 * (`AcceptDealHandler`), answering as `POST /v1/webhooks/deals` answers (deal-webhook.md).
 */
@Injectable()
export class CrmIntake {
  constructor(private readonly acceptDeal: AcceptDealHandler) {}

  async receive(
    rawBody: Buffer | undefined,
    map: (payload: unknown) => CrmMapping,
    response: Response,
  ): Promise<object> {
    if (rawBody === undefined) {
      throw new BadRequestException({
        title: 'Invalid request',
        detail: 'the body must be JSON sent with Content-Type: application/json',
        code: CrmErrorCode.InvalidPayload,
      });
    }
    let payload: unknown;
    try {
      // The parsed `request.body` is not used: it has turned money sent as JSON numbers into floats.
      payload = parseExactJson(rawBody.toString('utf8'));
    } catch (error) {
      throw new BadRequestException({
        title: 'Invalid request',
        detail: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        code: CrmErrorCode.InvalidPayload,
      });
    }
    const mapped = map(payload);
    if (!mapped.ok) {
      const problem = {
        detail: plural(mapped.problems.length, 'problem'),
        errors: mapped.problems,
      };
      throw mapped.status === 400
        ? new BadRequestException({
            title: 'Invalid CRM payload',
            code: CrmErrorCode.InvalidPayload,
            ...problem,
          })
        : new UnprocessableEntityException({
            title: 'CRM deal cannot be mapped',
            code: CrmErrorCode.Unmappable,
            ...problem,
          });
    }
    const canonical = toCanonicalDeal(mapped.body);
    if (!canonical.ok) {
      throw new UnprocessableEntityException({
        title: 'Mapped deal is invalid',
        detail: `the deal mapped from the CRM breaks ${plural(canonical.problems.length, 'rule')} of the canonical webhook`,
        code: CrmErrorCode.MappedDealInvalid,
        errors: canonical.problems,
      });
    }
    const result = await this.acceptDeal.execute({ source: 'webhook', deal: canonical.deal });
    const reply = webhookReply(result);
    if (reply.status === 422) {
      throw new UnprocessableEntityException({
        title: 'Deal not billable',
        detail: `${plural(reply.body.reasons.length, 'reason')} the deal cannot be billed; it is kept as rejected`,
        code: 'DEALS.NOT_BILLABLE',
        dealId: reply.body.dealId,
        reasons: reply.body.reasons,
      });
    }
    response.status(reply.status);
    return reply.body;
  }
}
