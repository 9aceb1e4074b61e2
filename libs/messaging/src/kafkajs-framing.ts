import { type Socket } from 'node:net';

/**
 * The part of kafkajs' (2.2.4) internal `Connection` that reads responses off its socket: the bytes of a
 * response not complete yet (`chunks`, `bytesBuffered`) and how many it waits for (`bytesNeeded`).
 */
interface FramedConnection {
  chunks: Buffer[];
  bytesBuffered: number;
  bytesNeeded: number;
  socket?: Socket;
  broker: string;
  isConnected(): boolean;
  connect: (this: FramedConnection) => Promise<boolean>;
  processData: (this: FramedConnection, data: Buffer) => void;
}

const REPAIRED = Symbol.for('o2c.kafkajs-framing-repaired');
const SIZE_BYTES = 4;

/**
 * Mends how kafkajs reads responses after a connection is lost mid-response, which otherwise breaks a consumer
 * or kills the process (found by the chaos run, issue 14; kafkajs' issue 715, "Rare ERR_BUFFER_OUT_OF_BOUNDS",
 * never fixed, and kafkajs is no longer maintained):
 * - kafkajs keeps the bytes of a half-read response when the socket is reset, and reads the next socket's bytes
 *   after them: every later response is framed wrong. Requests time out ("Request Fetch timed out") and the
 *   consumer restarts after 30 s, again and again; or a garbled size makes it read outside the buffer, which is
 *   thrown from the socket's data handler and ends the process. A new socket now starts with nothing buffered,
 *   and what an old socket still delivers after it was replaced is ignored.
 * - A response that cannot be framed now breaks its connection (the socket is destroyed with the error, so that
 *   kafkajs fails its requests and connects again) instead of the process.
 * Idempotent; throws at boot if kafkajs' internals are not the ones this was written for.
 */
export function repairKafkajsFraming(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prototype } = require('kafkajs/src/network/connection') as { prototype: FramedConnection };
  const marked = prototype as unknown as Record<symbol, boolean>;
  if (marked[REPAIRED]) return;
  if (typeof prototype.connect !== 'function' || typeof prototype.processData !== 'function') {
    throw new Error('kafkajs: Connection.connect/processData not found; the framing repair does not fit');
  }
  const { connect, processData } = prototype;

  prototype.connect = function (this: FramedConnection) {
    if (this.isConnected()) return connect.call(this);
    resetFraming(this);
    const connecting = connect.call(this);
    // kafkajs made the socket synchronously, in the promise's executor; only its bytes are this connection's.
    const socket = this.socket;
    if (socket) {
      const listeners = socket.listeners('data') as ((data: Buffer) => void)[];
      socket.removeAllListeners('data');
      socket.on('data', (data: Buffer) => {
        if (this.socket !== socket) return;
        for (const listener of listeners) listener(data);
      });
    }
    return connecting;
  };

  prototype.processData = function (this: FramedConnection, data: Buffer) {
    try {
      processData.call(this, data);
    } catch (error) {
      resetFraming(this);
      const reason = error instanceof Error ? error.message : String(error);
      this.socket?.destroy(new Error(`unreadable response from ${this.broker}: ${reason}`));
    }
  };
  marked[REPAIRED] = true;
}

function resetFraming(connection: FramedConnection): void {
  connection.chunks = [];
  connection.bytesBuffered = 0;
  connection.bytesNeeded = SIZE_BYTES;
}
