import { type ContractStateV1, type EntitlementV1 } from '@o2c/contracts';

/**
 * What a contract entitles the customer to: per licence product and period, the seats of every
 * charge whose catalog entry provisions that product (`quantity × seatsPerUnit`, summed) and
 * the union of their features. A ramp gives one entitlement per segment period.
 */
export function entitlementsOf(contract: ContractStateV1): EntitlementV1[] {
  const byKey = new Map<string, EntitlementV1>();
  for (const charge of contract.charges) {
    const grant = charge.catalog.provisioning;
    if (!grant || charge.chargeType !== 'recurring') continue;
    for (const segment of charge.segments) {
      if (segment.quantity === 0) continue;
      const key = `${grant.licenseProduct}|${segment.effectiveFrom}|${segment.effectiveTo}`;
      const current = byKey.get(key);
      byKey.set(key, {
        product: grant.licenseProduct,
        seats: (current?.seats ?? 0) + segment.quantity * grant.seatsPerUnit,
        features: [...new Set([...(current?.features ?? []), ...grant.features])].sort(),
        validFrom: segment.effectiveFrom,
        validTo: segment.effectiveTo,
      });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.product.localeCompare(b.product) || a.validFrom.localeCompare(b.validFrom),
  );
}
