import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LicenceKeyRing, type LicenceRefusal } from '../domain/licence-key-ring';
import { LicenceRepository } from '../infra/licence.repository';
import { VerifyLicenceRequestDto } from './verify-licence.request.dto';

export type LicenceCheck =
  | { valid: true; keyId: string; claims: Record<string, unknown> }
  | { valid: false; reason: LicenceRefusal | 'revoked'; detail: string };

@ApiTags('licences')
@Controller()
export class LicencesHttpController {
  constructor(
    private readonly keys: LicenceKeyRing,
    private readonly licences: LicenceRepository,
  ) {}

  /** The public keys that verify licences (the signing key first, then retired ones), by `kid`. */
  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'The public keys (JWKS) that verify licences, by kid' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['keys'],
      properties: {
        keys: { type: 'array', items: { type: 'object', description: 'An Ed25519 public JWK' } },
      },
    },
  })
  @Header('cache-control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }

  /** Whether a licence is genuine (signed by one of the keys) and not revoked; what it says when it is. */
  @Post('v1/licenses/verify')
  @ApiOperation({ summary: 'Whether a licence is genuine and not revoked, and its claims when it is' })
  @ApiOkResponse({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['valid', 'keyId', 'claims'],
          properties: { valid: { const: true }, keyId: { type: 'string' }, claims: { type: 'object' } },
        },
        {
          type: 'object',
          required: ['valid', 'reason', 'detail'],
          properties: { valid: { const: false }, reason: { type: 'string' }, detail: { type: 'string' } },
        },
      ],
    } as never,
  })
  @HttpCode(200)
  async verify(@Body() body: VerifyLicenceRequestDto): Promise<LicenceCheck> {
    const result = this.keys.verify(body.licence);
    if (!result.valid) return result;
    const licenceId = result.claims.licenseId;
    if (typeof licenceId === 'string' && (await this.licences.statusOf(licenceId)) === 'revoked') {
      return { valid: false, reason: 'revoked', detail: `licence ${licenceId} was revoked` };
    }
    return result;
  }
}
