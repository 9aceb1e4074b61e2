import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { type Request, type Response } from 'express';

/**
 * The operator's `Authorization` header, passed on to every service call. The console has none of its own, so a
 * view it gathers for the operator is refused at once without one (401, as the services would answer).
 */
export const OperatorCredential = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<Request>();
    const authorization = request.headers.authorization;
    if (!authorization) {
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('www-authenticate', 'Bearer realm="o2c-console"');
      throw new UnauthorizedException({
        title: 'Unauthorized',
        code: 'CONSOLE.CREDENTIAL_REQUIRED',
        detail:
          'Send your operations token: Authorization: Bearer <token> (the console holds no credential of its own)',
      });
    }
    return authorization;
  },
);
