import { isISO31661Alpha2 } from 'class-validator';
import { type CrmProblems } from '../crm.errors';

// CRMs keep the country as free text (HubSpot's company `country`, Salesforce's `BillingCountry` when
// State and Country picklists are off): an ISO 3166-1 alpha-2 code or the English name as Intl knows it.
const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
};

let byName: ReadonlyMap<string, string> | undefined;

function namesToCodes(): ReadonlyMap<string, string> {
  if (byName) return byName;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const map = new Map<string, string>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of letters) {
    for (const second of letters) {
      const code = first + second;
      const name = isISO31661Alpha2(code) ? names.of(code) : undefined;
      if (name) map.set(name.toLowerCase(), code);
    }
  }
  byName = map;
  return map;
}

/** The ISO 3166-1 alpha-2 code of a country written as a code (`de`, `DE`) or an English name (`Germany`). */
export function countryCodeOf(text: string): string | undefined {
  const trimmed = text.trim();
  const name = trimmed.toLowerCase().replace(/\s+/g, ' ');
  const alias = ALIASES[name];
  if (alias) return alias;
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const code = trimmed.toUpperCase();
    return isISO31661Alpha2(code) ? code : undefined;
  }
  return namesToCodes().get(name);
}

/** The ISO 3166-1 alpha-2 code of a country field's `text`; a problem at `path` when it names no country. */
export function countryCodeAt(
  text: string | undefined,
  path: string,
  problems: CrmProblems,
): string | undefined {
  if (text === undefined) return undefined;
  return (
    countryCodeOf(text) ??
    problems.malformed(path, `"${text}" is neither an ISO 3166-1 alpha-2 code nor a country name in English`)
  );
}
