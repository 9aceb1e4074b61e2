/** Error codes of the CRM adapters, answered in problem+json `code` (wire format: never rename). */
export enum CrmErrorCode {
  /** The body is not JSON, or not shaped as the CRM serialises its records (400). */
  InvalidPayload = 'DEALS.CRM_PAYLOAD_INVALID',
  /** Well-formed, but the CRM record is not a deal the adapter can map (not won, unsupported values) (422). */
  Unmappable = 'DEALS.CRM_DEAL_UNMAPPABLE',
  /** The mapped canonical deal breaks a rule of deal-webhook.md (422). */
  MappedDealInvalid = 'DEALS.CRM_MAPPED_DEAL_INVALID',
  /** The adapter has no secret configured, so no request can be authenticated (503). */
  NotConfigured = 'DEALS.CRM_ADAPTER_NOT_CONFIGURED',
}

/**
 * What the CRM adapters refuse: a code, a message (the problem's `detail`), members added to the problem
 * (`errors`), and a title of its own where the code's (`CRM_PROBLEMS`) does not fit. `CrmErrorFilter` answers it.
 */
export class CrmError extends Error {
  constructor(
    readonly code: CrmErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly title?: string,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

/** One problem with the CRM payload, named by its path in the CRM's own terms (`lineItems[2].properties.price`). */
export interface CrmFieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * What the mapping of a CRM payload found wrong. `malformed` problems (missing fields, wrong types or
 * formats) make the answer a 400; if there are only `unmappable` ones (a stage that is not won, an
 * unsupported billing frequency), a 422.
 */
export class CrmProblems {
  private readonly malformedList: CrmFieldProblem[] = [];
  private readonly unmappableList: CrmFieldProblem[] = [];

  malformed(path: string, message: string): undefined {
    this.malformedList.push({ path, message });
    return undefined;
  }

  unmappable(path: string, message: string): undefined {
    this.unmappableList.push({ path, message });
    return undefined;
  }

  get any(): boolean {
    return this.malformedList.length + this.unmappableList.length > 0;
  }

  get status(): 400 | 422 {
    return this.malformedList.length > 0 ? 400 : 422;
  }

  /** Every problem, the malformed ones first. */
  get all(): CrmFieldProblem[] {
    return [...this.malformedList, ...this.unmappableList];
  }
}

/** The canonical webhook body (deal-webhook.md) a CRM payload maps to, before canonical validation. */
export interface CanonicalDealBody {
  readonly type: 'deal.closed_won';
  readonly deal: Record<string, unknown>;
}

/** The result of a pure mapping function: the canonical body, or every problem with its CRM path. */
export type CrmMapping =
  | { readonly ok: true; readonly body: CanonicalDealBody }
  | { readonly ok: false; readonly status: 400 | 422; readonly problems: readonly CrmFieldProblem[] };

export function mappingResult(problems: CrmProblems, body: () => CanonicalDealBody): CrmMapping {
  return problems.any
    ? { ok: false, status: problems.status, problems: problems.all }
    : { ok: true, body: body() };
}
