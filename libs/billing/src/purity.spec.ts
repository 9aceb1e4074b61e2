import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The purity rules of eslint.config.mjs for layer:core (CONTRIBUTING.md, "Layers"), shown to bite: each
// snippet below, placed (virtually) in a core library's source, must get exactly the error named, and the
// same code elsewhere (a spec, an infrastructure library) must get none of them.

interface LintMessage {
  ruleId: string | null;
  message: string;
}

const root = join(__dirname, '..', '..', '..');
const purityRules = new Set([
  '@nx/enforce-module-boundaries',
  'no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-syntax',
]);

/** The projects tagged layer:core, found as eslint.config.mjs is meant to find them. */
const coreRoots = ['libs', 'services'].flatMap((dir) =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const file = join(root, dir, name, 'project.json');
    if (!existsSync(file)) return [];
    const { tags = [] } = JSON.parse(readFileSync(file, 'utf8')) as { tags?: string[] };
    return tags.includes('layer:core') ? [`${dir}/${name}`] : [];
  }),
);

const clock = (what: string) =>
  `${what} reads the clock; pure code takes an as-of date or the injected Clock (CLOCK) instead.`;
const random = (what: string) =>
  `${what} is random; pure code is deterministic: take the value as an argument.`;
const node = 'Pure code does no I/O and runs anywhere: no Node built-in module.';
const nodeGlobal = (name: string) =>
  `Unexpected use of '${name}'. Pure code does no I/O and runs anywhere: no Node global.`;
const banned = (imp: string) => `A project tagged with "layer:core" is not allowed to import "${imp}"`;

/** A snippet with one impurity and the one purity error it must get. */
const impurities: [string, string, LintMessage][] = [
  [
    'Nest',
    "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
    { ruleId: '@nx/enforce-module-boundaries', message: banned('@nestjs/common') },
  ],
  [
    'TypeORM',
    "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
    { ruleId: '@nx/enforce-module-boundaries', message: banned('typeorm') },
  ],
  [
    'pg',
    "import { Pool } from 'pg';\nexport const x = Pool;\n",
    { ruleId: '@nx/enforce-module-boundaries', message: banned('pg') },
  ],
  [
    'kafkajs',
    "import { Kafka } from 'kafkajs';\nexport const x = Kafka;\n",
    { ruleId: '@nx/enforce-module-boundaries', message: banned('kafkajs') },
  ],
  [
    'OpenTelemetry',
    "import { trace } from '@opentelemetry/api';\nexport const x = trace;\n",
    { ruleId: '@nx/enforce-module-boundaries', message: banned('@opentelemetry/api') },
  ],
  [
    'node:fs',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    {
      ruleId: 'no-restricted-imports',
      message: `'node:fs' import is restricted from being used by a pattern. ${node}`,
    },
  ],
  [
    'a bare built-in (crypto)',
    "import { randomUUID } from 'crypto';\nexport const x = randomUUID;\n",
    { ruleId: 'no-restricted-imports', message: `'crypto' import is restricted from being used. ${node}` },
  ],
  [
    're-exporting a built-in',
    "export { join } from 'path';\n",
    { ruleId: 'no-restricted-imports', message: `'path' import is restricted from being used. ${node}` },
  ],
  [
    'a dynamic import',
    "export const load = () => import('node:fs');\n",
    {
      ruleId: 'no-restricted-syntax',
      message: 'Pure code loads no module at run time: no dynamic import().',
    },
  ],
  [
    'new Date()',
    'export const now = new Date();\n',
    { ruleId: 'no-restricted-syntax', message: clock('new Date()') },
  ],
  ['Date()', 'export const now = Date();\n', { ruleId: 'no-restricted-syntax', message: clock('Date()') }],
  [
    'Date.now()',
    'export const now = Date.now();\n',
    { ruleId: 'no-restricted-syntax', message: clock('Date.now') },
  ],
  [
    'performance.now()',
    'export const now = performance.now();\n',
    { ruleId: 'no-restricted-globals', message: `Unexpected use of 'performance'. ${clock('performance')}` },
  ],
  [
    'Math.random()',
    'export const roll = Math.random();\n',
    { ruleId: 'no-restricted-syntax', message: random('Math.random') },
  ],
  [
    'crypto.randomUUID()',
    'export const id = crypto.randomUUID();\n',
    { ruleId: 'no-restricted-globals', message: `Unexpected use of 'crypto'. ${random('crypto')}` },
  ],
  [
    'process',
    'export const zone = process.env.TZ;\n',
    { ruleId: 'no-restricted-globals', message: nodeGlobal('process') },
  ],
  [
    'globalThis',
    'export const clock = globalThis.Date;\n',
    { ruleId: 'no-restricted-globals', message: nodeGlobal('globalThis') },
  ],
];

/** Pure code the rules must leave alone: an instant parsed from a value is not a clock reading. */
const pure =
  "export const parsed = new Date('2026-06-15T10:00:00Z').getTime();\nexport const half = 1 / 2;\n";

interface Probe {
  filePath: string;
  code: string;
}

function lint(probes: Probe[]): LintMessage[][] {
  const output = execFileSync(process.execPath, [join(root, 'libs/billing/test/lint-snippets.mjs')], {
    cwd: root,
    input: JSON.stringify(probes),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(output) as { filePath: string; messages: LintMessage[] }[];
  return results.map((result) =>
    result.messages
      .filter((message) => message.ruleId !== null && purityRules.has(message.ruleId))
      .map(({ ruleId, message }) => ({ ruleId, message })),
  );
}

describe('purity of layer:core (eslint.config.mjs)', () => {
  // One ESLint run for every probe: loading ESLint and the project graph dominates the time.
  const inCore = coreRoots.flatMap((projectRoot) =>
    impurities.map(([what, code, expected]) => ({
      name: `${projectRoot}: ${what}`,
      probe: { filePath: `${projectRoot}/src/purity-probe.ts`, code },
      expected,
    })),
  );
  // In a core library's spec the clock, built-ins and globals are fine (fixtures, files), but the
  // framework and I/O packages stay banned; an infrastructure library may use all of it.
  const elsewhere = [
    ...impurities.map(([what, code, expected]) => ({
      what,
      probe: { filePath: 'libs/billing/src/probe.spec.ts', code },
      expected: expected.ruleId === '@nx/enforce-module-boundaries' ? [expected] : [],
    })),
    ...impurities.map(([what, code]) => ({
      what,
      probe: { filePath: 'libs/platform/src/probe.ts', code },
      expected: [] as LintMessage[],
    })),
  ];
  const clean = coreRoots.map((projectRoot) => ({
    filePath: `${projectRoot}/src/purity-probe.ts`,
    code: pure,
  }));
  let results: LintMessage[][] = [];

  beforeAll(() => {
    results = lint([...inCore.map((each) => each.probe), ...elsewhere.map((each) => each.probe), ...clean]);
  }, 180_000);

  it('finds the core libraries by their tag', () => {
    expect(coreRoots).toEqual(['libs/billing', 'libs/money']);
  });

  it.each(impurities.map(([what]) => what))('refuses %s in every core library', (what) => {
    const probes = inCore.flatMap((each, index) =>
      each.name.endsWith(`: ${what}`) ? [{ each, index }] : [],
    );
    expect(probes).toHaveLength(coreRoots.length);
    for (const { each, index } of probes) {
      expect({ name: each.name, messages: results[index] }).toEqual({
        name: each.name,
        messages: [each.expected],
      });
    }
  });

  it('lets specs use the clock and Node, and infrastructure libraries use everything', () => {
    const offset = inCore.length;
    const got = elsewhere.map((each, index) => ({
      at: each.probe.filePath,
      what: each.what,
      messages: results[offset + index],
    }));
    expect(got).toEqual(
      elsewhere.map((each) => ({ at: each.probe.filePath, what: each.what, messages: each.expected })),
    );
  });

  it('leaves pure code alone, including a date parsed from a value', () => {
    const offset = inCore.length + elsewhere.length;
    expect(clean.map((_, index) => results[offset + index])).toEqual(clean.map(() => []));
  });
});
