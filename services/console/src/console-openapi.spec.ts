import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateEnv } from '@o2c/platform';
import { validateApiDocuments } from '@o2c/testing';
import { ConsoleEnv } from './config/env.schema';
import { consoleOpenApi, createConsoleApp } from './console-app';

// The gateway's OpenAPI document is kept in docs/api/console.openapi.json; O2C_API_DOCS=write rewrites it.
const file = join(__dirname, '..', '..', '..', 'docs', 'api', 'console.openapi.json');

describe('the console gateway API document', () => {
  it('docs/api/console.openapi.json is the OpenAPI 3.1 document the gateway serves at /api/openapi.json, and valid', async () => {
    const app = await createConsoleApp(validateEnv(ConsoleEnv, {}));
    const text = `${JSON.stringify(consoleOpenApi(app), null, 2)}\n`;
    await app.close();
    if (process.env.O2C_API_DOCS === 'write') writeFileSync(file, text);

    expect(readFileSync(file, 'utf8')).toBe(text);
    const validation = validateApiDocuments([file]);
    expect({ ok: validation.ok, output: validation.output.trim() }).toEqual({
      ok: true,
      output: expect.stringMatching(/^valid: /) as unknown,
    });
  });
});
