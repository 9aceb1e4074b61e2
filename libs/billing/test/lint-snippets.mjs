// Lints source snippets as if they were files of the workspace, with the workspace's eslint.config.mjs, and
// prints the messages as JSON. `purity.spec.ts` runs it in a child process: ESLint loads its config with a
// dynamic import, which jest's module system does not run.
//
// stdin: [{ "filePath": "libs/billing/src/probe.ts", "code": "..." }]; the files need not exist.
// stdout: [{ "filePath": ..., "messages": [{ "ruleId": ..., "message": ... }] }]
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = join(import.meta.dirname, '..', '..', '..');
process.chdir(root);

process.stdin.setEncoding('utf8');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const snippets = JSON.parse(input);

// @nx/enforce-module-boundaries reads the cached project graph and silently skips everything without it.
await createProjectGraphAsync({ exitOnError: true });

// The files do not exist, so the TypeScript program cannot type them: rules needing type information are
// off here. The rules under test (module boundaries, restricted imports, globals and syntax) need none.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});
const results = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  results.push({
    filePath,
    messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })),
  });
}
process.stdout.write(JSON.stringify(results));
