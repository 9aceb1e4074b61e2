import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@o2c/testing';
import { FaultyProxy } from './proxy';

// The chaos run's proxy against a local echo server: it passes bytes on, delays them, refuses and cuts.
let echo: Server;
let echoPort: number;
let proxy: FaultyProxy;

beforeEach(async () => {
  echoPort = await freePort();
  echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket));
  await new Promise<void>((resolve) => echo.listen(echoPort, '127.0.0.1', resolve));
  proxy = await FaultyProxy.start('echo', echoPort, await freePort());
});

afterEach(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

function connect(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port }, () => resolve(socket));
    socket.once('error', reject);
    socket.on('error', () => undefined); // a reset later is what the tests look at
  });
}

/** Sends `text` and resolves with what comes back and how long it took, or with the error that ended it. */
function roundTrip(socket: Socket, text: string): Promise<{ reply: string; ms: number } | { error: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    socket.once('data', (data: Buffer) =>
      resolve({ reply: data.toString(), ms: performance.now() - started }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    socket.once('close', () => resolve({ error: 'closed' }));
    socket.write(text);
  });
}

describe('the faulty proxy', () => {
  it('passes bytes on both ways', async () => {
    const socket = await connect();
    expect(await roundTrip(socket, 'hello')).toMatchObject({ reply: 'hello' });
    socket.destroy();
  });

  it('delays every chunk by the latency, both ways', async () => {
    proxy.set({ kind: 'latency', ms: 150 });
    const socket = await connect();
    const answer = await roundTrip(socket, 'slow');
    expect(answer).toMatchObject({ reply: 'slow' });
    expect((answer as { ms: number }).ms).toBeGreaterThanOrEqual(290);
    socket.destroy();
  });

  it('cuts every open connection, and refuses new ones while refusing', async () => {
    const open = await connect();
    expect(proxy.cutAll()).toBe(1);
    expect(await roundTrip(open, 'after the cut')).toHaveProperty('error');
    proxy.set({ kind: 'refuse' });
    // Reset as soon as accepted: the connect itself may fail, or the first write.
    const refused = await connect()
      .then((socket) => roundTrip(socket, 'refused'))
      .catch((error: NodeJS.ErrnoException) => ({ error: error.code }));
    expect(refused).toHaveProperty('error');
    proxy.set({ kind: 'none' });
    const healed = await connect();
    expect(await roundTrip(healed, 'healed')).toMatchObject({ reply: 'healed' });
    healed.destroy();
    expect(proxy.cut).toBe(2);
  });

  it('resets a connection at a packet with the drop probability', async () => {
    proxy.set({ kind: 'drop', probability: 1 });
    const socket = await connect();
    expect(await roundTrip(socket, 'dropped')).toHaveProperty('error');
    expect(proxy.cut).toBe(1);
  });
});
