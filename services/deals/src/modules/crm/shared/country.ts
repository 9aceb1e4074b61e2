import { isISO31661Alpha2 } from 'class-validator';
import { type CrmProblems } from '../crm.errors';

// CRMs keep the country as free text (HubSpot's company `country`, Salesforce's `BillingCountry` when
// State and Country/Territory Picklists are off): an ISO 3166-1 alpha-2 code, or a name as people type
// it: in English or in the main languages of Europe as Intl knows them ("Germany", "Deutschland"), or as
// the ISO 3166 list writes it ("Korea, Republic of", the labels of Salesforce's country picklist).
const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  us: 'US',
  america: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  'united kingdom of great britain and northern ireland': 'GB',
  holland: 'NL',
  'czech republic': 'CZ',
  'korea, republic of': 'KR',
  'republic of korea': 'KR',
  korea: 'KR',
  "korea, democratic people's republic of": 'KP',
  'russian federation': 'RU',
  'viet nam': 'VN',
  'iran, islamic republic of': 'IR',
  turkey: 'TR',
  'hong kong': 'HK',
  macao: 'MO',
  macau: 'MO',
  'taiwan, province of china': 'TW',
  'bolivia, plurinational state of': 'BO',
  'venezuela, bolivarian republic of': 'VE',
  'tanzania, united republic of': 'TZ',
  'moldova, republic of': 'MD',
  "cote d'ivoire": 'CI',
  'ivory coast': 'CI',
  'holy see': 'VA',
  'holy see (vatican city state)': 'VA',
  'brunei darussalam': 'BN',
  "lao people's democratic republic": 'LA',
  'syrian arab republic': 'SY',
  'congo, the democratic republic of the': 'CD',
  'democratic republic of the congo': 'CD',
  'congo, democratic republic of the': 'CD',
  congo: 'CG',
  'republic of the congo': 'CG',
  swaziland: 'SZ',
  macedonia: 'MK',
  'macedonia, the former yugoslav republic of': 'MK',
  'palestine, state of': 'PS',
  palestine: 'PS',
  'micronesia, federated states of': 'FM',
  'united arab emirates': 'AE',
  uae: 'AE',
};

const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'] as const;

/** Lower case, without accents, dots or a leading "the", `&` as "and", one space between words. */
function normalised(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\./g, '')
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

let byName: ReadonlyMap<string, string> | undefined;

function namesToCodes(): ReadonlyMap<string, string> {
  if (byName) return byName;
  const map = new Map<string, string>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  // English first: a name another language gives another country never replaces it.
  for (const locale of LOCALES) {
    for (const style of ['long', 'short'] as const) {
      const names = new Intl.DisplayNames([locale], { type: 'region', style, fallback: 'none' });
      for (const first of letters) {
        for (const second of letters) {
          const code = first + second;
          const name = isISO31661Alpha2(code) ? names.of(code) : undefined;
          if (name && name !== code && !map.has(normalised(name))) map.set(normalised(name), code);
        }
      }
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(normalised(alias), code);
  byName = map;
  return map;
}

/**
 * The ISO 3166-1 alpha-2 code of a country written as a code (`de`, `DE`) or a name (`Germany`,
 * `United States`, `Deutschland`, `Korea, Republic of`); undefined when it names no country.
 */
export function countryCodeOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed) && isISO31661Alpha2(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return namesToCodes().get(normalised(trimmed));
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
    problems.malformed(
      path,
      `"${text}" is neither an ISO 3166-1 alpha-2 code (DE) nor a country name this service knows (Germany, Deutschland)`,
    )
  );
}
