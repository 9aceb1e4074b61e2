import { setSourceMapsSupport } from 'node:module';

/**
 * Makes stack traces point at o2c's TypeScript (the source maps swc writes beside `dist/`), and only at ours:
 * the source maps many packages in `node_modules` ship cost a service about 35 MB of memory under
 * `--enable-source-maps`, for frames nobody reads in our logs. Call it first, before the code whose traces should
 * be mapped is loaded (each service's `instrument.ts`).
 */
export function mapOwnStackTraces(): void {
  setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
}
