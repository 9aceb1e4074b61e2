import { EventTypes, Topics } from '../topics';
import { LicenseStateV1 } from './license';

/**
 * `data` of `o2c.license.updated.v1` on `o2c.licenses.v1`: the licence after an amendment,
 * renewal or end-of-term cancellation, with a new key that replaces the previous one.
 */
export class LicenseUpdatedV1 extends LicenseStateV1 {
  static readonly ceType = EventTypes.licenseUpdated;
  static readonly topic = Topics.licenses;
}
