import { Injectable } from '@nestjs/common';
import { type Response } from 'express';
import { webhookReply } from '../../deals/api/deal-webhook-reply.mapper';
import { AcceptDealHandler } from '../../deals/usecases/accept-deal/accept-deal.handler';
import { CrmError, CrmErrorCode, type CrmMapping } from '../crm.errors';
import { toCanonicalDeal } from './canonical-deal';
import { parseExactJson } from './exact-json';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * What both CRM webhooks do once the signature is checked: read the raw body exactly, map it to the
 * canonical deal, validate that as the canonical webhook would, and hand it to the same intake
 * (`AcceptDealHandler`), answering as `POST /v1/webhooks/deals` answers (`webhookReply`, deal-webhook.md).
 * What it refuses is a `CrmError` (or, for a deal intake rejects, a `DealsError`), answered by the filters on
 * the controllers (`CrmErrorFilter`, `DealsErrorFilter`): it knows no HTTP exception.
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
      throw new CrmError(
        CrmErrorCode.InvalidPayload,
        'the body must be JSON sent with Content-Type: application/json',
        {},
        'Invalid request',
      );
    }
    let payload: unknown;
    try {
      // The parsed `request.body` is not used: it has turned money sent as JSON numbers into floats.
      payload = parseExactJson(rawBody.toString('utf8'));
    } catch (error) {
      throw new CrmError(
        CrmErrorCode.InvalidPayload,
        `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        {},
        'Invalid request',
      );
    }
    const mapped = map(payload);
    if (!mapped.ok) {
      throw new CrmError(
        mapped.status === 400 ? CrmErrorCode.InvalidPayload : CrmErrorCode.Unmappable,
        plural(mapped.problems.length, 'problem'),
        { errors: mapped.problems },
      );
    }
    const canonical = toCanonicalDeal(mapped.body);
    if (!canonical.ok) {
      throw new CrmError(
        CrmErrorCode.MappedDealInvalid,
        `the deal mapped from the CRM breaks ${plural(canonical.problems.length, 'rule')} of the canonical webhook`,
        { errors: canonical.problems },
      );
    }
    // Answered as the canonical webhook answers, by its own function: a rejected deal, first time or
    // repeat, is its 422 problem (DealsError, answered by DealsErrorFilter on the controllers).
    const reply = webhookReply(await this.acceptDeal.execute({ source: 'webhook', deal: canonical.deal }));
    response.status(reply.status);
    return reply.body;
  }
}
