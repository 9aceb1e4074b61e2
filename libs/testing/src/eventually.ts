/**
 * Calls `probe` until it gives a value other than undefined (every `intervalMs`), and gives that value; fails after
 * `timeoutMs` with `what` in the message. For what another process or a consumer does in its own time.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = 60_000,
    intervalMs = 200,
    what,
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what ? `${what}: ` : ''}nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
