import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does to the traffic it passes on, changed while it runs. */
export type ProxyFault =
  /** Passes bytes on as they come. */
  | { kind: 'none' }
  /** Holds every chunk, both ways, this long before passing it on (in order). */
  | { kind: 'latency'; ms: number }
  /** Accepts new connections and closes them at once, without reaching the upstream (existing ones go on). */
  | { kind: 'refuse' }
  /** Passes bytes on but swallows the rest of a connection after a random chunk, then resets it. */
  | { kind: 'drop'; probability: number };

/**
 * A TCP proxy between the services and Kafka or PostgreSQL that misbehaves on request: latency, refused
 * connections, connections cut in the middle of a conversation. It knows nothing of the protocols.
 */
export class FaultyProxy {
  private fault: ProxyFault = { kind: 'none' };
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly server: Server;
  /** Connections the proxy cut or refused, for the report. */
  cut = 0;

  private constructor(
    readonly name: string,
    private readonly upstreamPort: number,
    readonly port: number,
    private readonly random: () => number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(
    name: string,
    upstreamPort: number,
    port: number,
    random: () => number = Math.random,
  ): Promise<FaultyProxy> {
    const proxy = new FaultyProxy(name, upstreamPort, port, random);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  set(fault: ProxyFault): void {
    this.fault = fault;
  }

  /** Resets every open connection now (the upstream going away, as clients see it). */
  cutAll(): number {
    const open = [...this.pairs];
    for (const pair of open) this.destroy(pair);
    this.cut += open.length;
    return open.length;
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.destroy(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.fault.kind === 'refuse') {
      this.cut++;
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.upstreamPort });
    const pair = { client, upstream };
    this.pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => this.destroy(pair));
      socket.on('close', () => this.destroy(pair));
    }
    this.pipe(pair, client, upstream);
    this.pipe(pair, upstream, client);
  }

  /** Passes `from`'s bytes to `to` under the fault of the moment, keeping their order. */
  private pipe(pair: { client: Socket; upstream: Socket }, from: Socket, to: Socket): void {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const fault = this.fault;
      if (fault.kind === 'drop' && this.random() < fault.probability) {
        this.cut++;
        this.destroy(pair);
        return;
      }
      // Each chunk leaves `ms` after it came, and never before the one that came before it.
      const due = fault.kind === 'latency' ? Date.now() + fault.ms : 0;
      queue = queue.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!to.destroyed) to.write(chunk);
      });
    });
  }

  private destroy(pair: { client: Socket; upstream: Socket }): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
  }
}
