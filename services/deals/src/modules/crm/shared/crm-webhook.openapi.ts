import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { DealWebhookReply } from '../../deals/api/deal-webhook.response.dto';
import { ApiProblems, NotBillableProblemResponse } from '../../deals/api/problem.response.dto';

/**
 * The answers of a CRM webhook in the OpenAPI document (docs/crm-adapters.md): those of the canonical
 * webhook, the adapter's own 400 and 422 codes, and 503 while its secret is not set.
 */
export function ApiCrmWebhookResponses(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiResponse({
      status: 202,
      type: DealWebhookReply,
      description: 'Mapped and accepted, or held until the deal it amends is accepted',
    }),
    ApiResponse({ status: 200, type: DealWebhookReply, description: 'The same deal id and revision again' }),
    ApiProblems(
      [
        400,
        'DEALS.CRM_PAYLOAD_INVALID: the body is not JSON (or not sent as application/json), or a field is ' +
          "missing or of the wrong type or format: one entry in `errors` per field, at its path in the CRM's terms",
      ],
      [401, 'Bad or missing signature, timestamp more than 5 minutes off'],
      [413, 'Body over 1 MiB'],
      [
        429,
        'DEALS.RATE_LIMITED: more than RATE_LIMIT_WEBHOOKS_PER_MINUTE from this client address; `Retry-After` ' +
          'says when to send again; nothing is stored',
      ],
      [
        422,
        'DEALS.CRM_DEAL_UNMAPPABLE: well-formed but not mappable (not won, an unsupported value, lines that ' +
          'disagree); DEALS.CRM_MAPPED_DEAL_INVALID: the mapped deal breaks a rule of the canonical webhook ' +
          '(`errors` at canonical paths); DEALS.NOT_BILLABLE: not billable, kept as rejected (this body)',
        NotBillableProblemResponse,
      ],
      [503, "DEALS.CRM_ADAPTER_NOT_CONFIGURED: the adapter's secret is not set"],
    ),
  );
}
