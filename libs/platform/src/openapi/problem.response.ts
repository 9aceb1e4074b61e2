import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

/** One invalid input field of a problem. */
export class ProblemField {
  @ApiProperty({ example: 'deal.lines.0.sku', description: 'Its path in the request' })
  path!: string;

  @ApiProperty({ description: 'What is wrong with it' })
  message!: string;
}

/** RFC 9457 problem details, `application/problem+json`: how every o2c API answers an error. */
export class Problem {
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

  @ApiPropertyOptional({ description: 'What went wrong, for programs: `<SERVICE>.<REASON>`' })
  code?: string;

  @ApiPropertyOptional({ type: [ProblemField], description: 'One entry per invalid field' })
  errors?: ProblemField[];
}

/** The content of a problem+json answer of `type` (`Problem` by default). */
export function problemContent(type: Type = Problem) {
  return { 'application/problem+json': { schema: { $ref: getSchemaPath(type) } } };
}

/**
 * Documents problem+json answers of an operation (or of every operation of a controller):
 * `@ProblemResponses([404, 'No such invoice'], [409, 'The idempotency key was used with another body'])`.
 */
export function ProblemResponses(
  ...responses: [status: number, description: string, type?: Type][]
): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(Problem),
    ...responses.map(([status, description, type]) =>
      ApiResponse({ status, description, content: problemContent(type) }),
    ),
  );
}
