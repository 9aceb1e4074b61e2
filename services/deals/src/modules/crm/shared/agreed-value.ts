import { type CrmProblems } from '../crm.errors';

/**
 * A contract-level value that every line carrying it must agree on: the canonical deal has one
 * start date, term and billing frequency, where the CRMs keep them per line item.
 */
export class AgreedValue<T extends string | number> {
  private first: { readonly value: T; readonly path: string } | undefined;

  constructor(
    private readonly what: string,
    private readonly problems: CrmProblems,
  ) {}

  offer(value: T | undefined, path: string): void {
    if (value === undefined) return;
    if (this.first === undefined) {
      this.first = { value, path };
    } else if (this.first.value !== value) {
      this.problems.unmappable(
        path,
        `the ${this.what} is ${String(value)} but ${this.first.path} is ${String(this.first.value)}: a contract has one ${this.what}`,
      );
    }
  }

  get value(): T | undefined {
    return this.first?.value;
  }
}
