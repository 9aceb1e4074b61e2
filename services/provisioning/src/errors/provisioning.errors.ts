/** Codes of every failure the provisioning service reports at its edge; `provisioning-error.filter.ts` maps each to HTTP. */
export enum ProvisioningErrorCode {
  DeliveryNotFound = 'PROVISIONING.DELIVERY_NOT_FOUND',
}

/** The one error the provisioning service throws at its edge; `code` says what went wrong. */
export class ProvisioningError extends Error {
  constructor(
    readonly code: ProvisioningErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisioningError';
  }
}
