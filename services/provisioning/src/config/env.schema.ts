import { ServiceEnv } from '@o2c/platform';
import { IsInt, IsNotEmpty, IsString, Matches, Max, Min, registerDecorator } from 'class-validator';
import { Webhook } from 'standardwebhooks';
import { parseAllowedHosts, parseTargets } from '../modules/deliveries/domain/delivery-targets';
import { ed25519PrivateKey, parseRetiredKeys } from '../modules/licences/domain/licence-key-ring';

/**
 * Checks a variable with a parser that throws a helpful message, given the whole environment (some
 * variables are read together); the message is prefixed with the variable's name.
 */
function Parses(check: (value: string, env: ProvisioningEnv) => unknown): PropertyDecorator {
  return (target, propertyName) => {
    const name = String(propertyName);
    let lastError = '';
    registerDecorator({
      name: 'parses',
      target: target.constructor,
      propertyName: name,
      options: { message: () => lastError },
      validator: {
        validate(value: unknown, args) {
          if (typeof value !== 'string') {
            lastError = `${name} must be a string`;
            return false;
          }
          try {
            check(value, args!.object as ProvisioningEnv);
            return true;
          } catch (error) {
            lastError = `${name}: ${error instanceof Error ? error.message : String(error)}`;
            return false;
          }
        },
      },
    });
  };
}

function parseWebhookSecrets(value: string): string[] {
  const secrets = value.split(/\s+/).filter(Boolean);
  for (const [index, secret] of secrets.entries()) {
    if (!secret.startsWith('whsec_')) throw new Error(`secret ${index + 1} must start with whsec_`);
    try {
      new Webhook(secret);
    } catch {
      throw new Error(`secret ${index + 1} is not whsec_ followed by base64`);
    }
  }
  return secrets;
}

/** Settings of the provisioning service; see ServiceEnv for the ones every service shares. */
export class ProvisioningEnv extends ServiceEnv {
  override PORT = 3004;

  /** Ed25519 private key that signs licences now: PKCS#8 DER, base64. (secret) */
  @IsString()
  @IsNotEmpty({
    message: 'PROVISIONING_SIGNING_KEY is required: an Ed25519 private key, PKCS#8 DER in base64',
  })
  @Matches(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'PROVISIONING_SIGNING_KEY must be base64 (PKCS#8 DER)' })
  @Parses((value) => ed25519PrivateKey(value))
  PROVISIONING_SIGNING_KEY!: string;

  /** The signing key's id (`kid`), by which products find its public key in `/.well-known/jwks.json`. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'PROVISIONING_SIGNING_KEY_ID must be 1-64 letters, digits, dots, dashes or underscores',
  })
  PROVISIONING_SIGNING_KEY_ID: string = 'o2c-1';

  /**
   * Public keys of earlier signing keys, which still verify the licences they signed and stay in the JWKS:
   * `kid:base64` separated by spaces or commas, each an Ed25519 public key in SPKI DER. To rotate, put the
   * current key's id and public key here and set a new signing key and id.
   */
  @Parses((value, env) => {
    const retired = parseRetiredKeys(value);
    if (retired.some((k) => k.keyId === env.PROVISIONING_SIGNING_KEY_ID)) {
      throw new Error(
        `${env.PROVISIONING_SIGNING_KEY_ID} is the signing key's id; a retired key needs another`,
      );
    }
  })
  PROVISIONING_VERIFY_KEYS: string = '';

  /** Host names the product endpoints may be on, separated by spaces or commas; `*.example.com` for subdomains. */
  @Parses((value) => parseAllowedHosts(value))
  PROVISIONING_ALLOWED_HOSTS: string = '';

  /**
   * Each licence product's provisioning endpoint, `product=url` separated by spaces (`pro=https://…`). Every
   * entitlement change of a product is delivered there as a signed webhook; a product without an endpoint
   * gets none. Each host must be in PROVISIONING_ALLOWED_HOSTS.
   */
  @Parses((value, env) => {
    const targets = parseTargets(value, parseAllowedHosts(env.PROVISIONING_ALLOWED_HOSTS));
    if (targets.size > 0 && env.PROVISIONING_WEBHOOK_SECRETS.trim() === '') {
      throw new Error('endpoints need PROVISIONING_WEBHOOK_SECRETS to sign what they are sent');
    }
  })
  PROVISIONING_TARGETS: string = '';

  /**
   * Standard Webhooks secrets (`whsec_…`) that sign every delivery, separated by spaces; each one adds a
   * `v1,` signature, so a product can move to a new secret while the old one still signs. (secret)
   */
  @Parses((value) => parseWebhookSecrets(value))
  PROVISIONING_WEBHOOK_SECRETS: string = '';

  /** Minutes between runs of the daily provisioning of what takes effect today (it also runs at start-up); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(1440)
  PROVISIONING_JOB_INTERVAL_MINUTES: number = 60;

  /** Milliseconds between looks for due deliveries; 0 stops delivering from this instance. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  PROVISIONING_DELIVERY_POLL_MS: number = 1_000;

  /** How long one delivery attempt may take, connection to response body, in milliseconds. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  PROVISIONING_DELIVERY_TIMEOUT_MS: number = 10_000;

  /** Attempts of a delivery, the first included, before it is dead. */
  @IsInt()
  @Min(1)
  @Max(50)
  PROVISIONING_DELIVERY_MAX_ATTEMPTS: number = 10;

  /** Wait after the first failed attempt, in milliseconds; each later wait is four times longer (±20 %). */
  @IsInt()
  @Min(1)
  PROVISIONING_DELIVERY_RETRY_INITIAL_MS: number = 30_000;

  /** The longest wait between two attempts, in milliseconds (default 6 hours). */
  @IsInt()
  @Min(1)
  PROVISIONING_DELIVERY_RETRY_MAX_MS: number = 6 * 3_600_000;
}
