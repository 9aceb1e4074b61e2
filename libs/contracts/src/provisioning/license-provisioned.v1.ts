import { EventTypes, Topics } from '../topics';
import { LicenseStateV1 } from './license';

/** `data` of `o2c.license.provisioned.v1` on `o2c.licenses.v1`: a contract's first licence. */
export class LicenseProvisionedV1 extends LicenseStateV1 {
  static readonly ceType = EventTypes.licenseProvisioned;
  static readonly topic = Topics.licenses;
}
