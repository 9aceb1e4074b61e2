import { type CanActivate, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { DeadLettersGuard } from './dead-letters.guard';

describe(DeadLettersGuard.name, () => {
  const context = {} as ExecutionContext;

  it("asks the application's admin guard", () => {
    const seen: ExecutionContext[] = [];
    const adminGuard: CanActivate = { canActivate: (c) => (seen.push(c), false) };
    const sut = new DeadLettersGuard(adminGuard);
    expect(sut.canActivate(context)).toBe(false);
    expect(seen).toEqual([context]);
    expect(new DeadLettersGuard({ canActivate: () => true }).canActivate(context)).toBe(true);
  });

  it('refuses everyone with 401 when the application gave no admin guard', () => {
    const sut = new DeadLettersGuard(null);
    let refusal: unknown;
    try {
      void sut.canActivate(context);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(UnauthorizedException);
    expect((refusal as UnauthorizedException).getResponse()).toEqual({
      title: 'Admin token required',
      detail: 'the dead-letter endpoints are closed: no admin guard is configured',
    });
  });
});
