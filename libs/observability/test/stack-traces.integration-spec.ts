import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A compiled file whose source map says line 2 comes from line 7 of `thrower.ts`, placed once as our own code and
// once as a package in node_modules; a fresh Node process calls mapOwnStackTraces and then loads it.
const compiled = "'use strict';\nthrow new Error('boom');\n";
const map = {
  version: 3,
  file: 'thrower.js',
  sources: ['thrower.ts'],
  names: [],
  // line 2 (index 1), column 0 → source 0, line 7 (index 6), column 0
  mappings: ';AAMA',
};
const withMap = `${compiled}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;

describe('mapOwnStackTraces', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'o2c-stack-'));
    mkdirSync(join(dir, 'own'));
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'own', 'thrower.js'), withMap);
    writeFileSync(join(dir, 'node_modules', 'pkg', 'thrower.js'), withMap);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stackOf = (file: string): string => {
    const script =
      `require(${JSON.stringify(join(__dirname, '..', 'dist', 'stack-traces.js'))}).mapOwnStackTraces();` +
      `try { require(${JSON.stringify(file)}) } catch (e) { process.stdout.write(e.stack) }`;
    return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  };

  it('maps a frame of our own code to its TypeScript line', () => {
    expect(stackOf(join(dir, 'own', 'thrower.js'))).toContain(`${join(dir, 'own', 'thrower.ts')}:7:`);
  });

  it('leaves frames in node_modules as they are', () => {
    const stack = stackOf(join(dir, 'node_modules', 'pkg', 'thrower.js'));
    expect(stack).toContain(`${join(dir, 'node_modules', 'pkg', 'thrower.js')}:2:`);
    expect(stack).not.toContain('thrower.ts');
  });
});
