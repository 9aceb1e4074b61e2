import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { DealsErrorCode } from '../domain/deals.errors';

/** One invalid input field. */
export class FieldProblemResponse {
  @ApiProperty({ example: 'deal.lines.0.sku' })
  path!: string;

  @ApiProperty()
  message!: string;
}

/** RFC 9457 problem details, `application/problem+json`: how every error of the service is answered. */
export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional()
  detail?: string;

  @ApiProperty({ description: 'The request path' })
  instance!: string;

  @ApiPropertyOptional({ enum: DealsErrorCode })
  code?: DealsErrorCode;

  @ApiPropertyOptional({
    type: [FieldProblemResponse],
    description: 'One entry per invalid field (400, 422)',
  })
  errors?: FieldProblemResponse[];
}

/** The 422 of a deal that is well-formed but cannot be billed; the deal is kept as rejected. */
export class NotBillableProblemResponse extends ProblemResponse {
  @ApiProperty()
  dealId!: string;

  @ApiProperty({ type: [String], example: ['lines.0.sku: unknown SKU SEAT-ULTRA'] })
  reasons!: string[];
}

/** Documents the problem+json answers of an operation (or of every operation of a controller). */
export function ApiProblems(
  ...responses: [status: number, description: string, type?: Type<ProblemResponse>][]
): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemResponse, NotBillableProblemResponse),
    ...responses.map(([status, description, type]) =>
      ApiResponse({
        status,
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(type ?? ProblemResponse) } } },
      }),
    ),
  );
}
