import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { repairKafkajs } from '../../src';

// A connection reset in the middle of a response (what the chaos run's proxy does, and a real network can):
// kafkajs kept the half-read bytes and framed the next connection's responses after them, so every later
// request on that broker failed or the process died. Against the real broker, every connection going through a
// proxy that, once armed, passes two bytes of the next response and then resets that connection.

class MidResponseCut {
  private armed: 'cut' | 'garble' | undefined;
  cuts = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    private readonly upstream: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(upstream: { host: string; port: number }): Promise<MidResponseCut> {
    const proxy = new MidResponseCut(createServer(), upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * The next response, on whichever connection: `cut` passes two bytes of it and resets the connection; `garble`
   * passes a response too short to hold a correlation id in its place and keeps the connection open.
   */
  arm(fault: 'cut' | 'garble'): void {
    this.armed = fault;
  }

  private accept(client: Socket): void {
    const upstream = createConnection(this.upstream);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const fault = this.armed;
      this.armed = undefined;
      if (fault === undefined) {
        client.write(chunk);
        return;
      }
      if (fault === 'garble') {
        client.write(Buffer.from([0, 0, 0, 2, 0xff, 0xff]));
        return;
      }
      this.cuts++;
      client.write(chunk.subarray(0, 2), () => {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let proxy: MidResponseCut;

function proxiedKafka(): Kafka {
  return new Kafka({
    clientId: 'o2c-framing-test',
    brokers: [`127.0.0.1:${proxy.port}`],
    // Every broker connection through the proxy, the ones to the address the broker advertises too.
    socketFactory: ({ onConnect }) => createConnection({ host: '127.0.0.1', port: proxy.port }, onConnect),
    requestTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 100 },
    logLevel: logLevel.NOTHING,
  });
}

beforeAll(async () => {
  const [host, port] = process.env.KAFKA_BROKERS!.split(',')[0]!.split(':');
  proxy = await MidResponseCut.start({ host: host!, port: Number(port) });
});

afterAll(() => proxy.close());

it('reads the responses of a new connection from their first byte after one was cut mid-response', async () => {
  repairKafkajs();
  const kafka = proxiedKafka();
  const admin = kafka.admin();
  try {
    await admin.connect();
    expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0);
    // The next answer is cut after two bytes: that request fails with the reset. The same connection objects
    // connect again for the requests after it, whose answers must be read from their first byte.
    proxy.arm('cut');
    await expect(admin.describeCluster()).rejects.toThrow(/ECONNRESET/);
    expect(proxy.cuts).toBe(1);
    for (let i = 0; i < 5; i++) expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0);
  } finally {
    await admin.disconnect();
  }
});

it('fails the requests of a connection whose response cannot be read, and not the process', async () => {
  repairKafkajs();
  const admin = proxiedKafka().admin();
  try {
    await admin.connect();
    // Thrown from the socket's data handler, the decoder's RangeError would end the process (and this test).
    proxy.arm('garble');
    await expect(admin.describeCluster()).rejects.toThrow(/unreadable response/);
    expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0);
  } finally {
    await admin.disconnect();
  }
});

// Every kafkajs connection looked at its held-back requests every millisecond while it lived (a negative delay,
// which Node turns into 1 ms), so that an idle service woke about 800 times a second. Counted here on a producer
// connected to the real broker and left idle for one second.
it('leaves an idle connection asleep: no look at held-back requests while none is held back', async () => {
  repairKafkajs();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prototype } = require('kafkajs/src/network/requestQueue') as {
    prototype: { checkPendingRequests: (this: unknown) => void };
  };
  const check = prototype.checkPendingRequests;
  let looks = 0;
  prototype.checkPendingRequests = function (this: unknown) {
    looks++;
    check.call(this);
  };
  const producer = new Kafka({
    clientId: 'o2c-idle-test',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  try {
    await producer.connect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    looks = 0;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Unrepaired: several hundred (one a millisecond per connection). Repaired: none, nothing being sent.
    expect(looks).toBeLessThan(10);
  } finally {
    prototype.checkPendingRequests = check;
    await producer.disconnect();
  }
});
