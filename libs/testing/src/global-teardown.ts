/** Jest globalTeardown: stops only what globalSetup started (Testcontainers). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__O2C_TEST_INFRA__?.stop?.();
}
