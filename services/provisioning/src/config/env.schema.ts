import { ServiceEnv } from '@o2c/platform';
import { IsNotEmpty, IsString, Matches } from 'class-validator';

/** Settings of the provisioning service; see ServiceEnv for the ones every service shares. */
export class ProvisioningEnv extends ServiceEnv {
  override PORT = 3004;

  /** Ed25519 private key that signs licences: PKCS#8 DER, base64. (secret) */
  @IsString()
  @IsNotEmpty({
    message: 'PROVISIONING_SIGNING_KEY is required: an Ed25519 private key, PKCS#8 DER in base64',
  })
  @Matches(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'PROVISIONING_SIGNING_KEY must be base64 (PKCS#8 DER)' })
  PROVISIONING_SIGNING_KEY!: string;

  /** The key's id (`kid`), by which products find the public key. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'PROVISIONING_SIGNING_KEY_ID must be 1-64 letters, digits, dots, dashes or underscores',
  })
  PROVISIONING_SIGNING_KEY_ID: string = 'o2c-1';
}
