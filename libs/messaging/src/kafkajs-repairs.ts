import { type Socket } from 'node:net';

// kafkajs 2.2.4 is the last release (the project is no longer maintained) and has faults that the chaos run and the
// benchmark found. They are mended here, at boot, on its internal classes: `repairKafkajs()` before any client is
// made (`createKafka` calls it). Each mend checks that the internals are the ones it was written for and throws at
// boot if not.

/**
 * The part of kafkajs' internal `Connection` that reads responses off its socket: the bytes of a response not
 * complete yet (`chunks`, `bytesBuffered`) and how many it waits for (`bytesNeeded`).
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

/** The part of kafkajs' internal `RequestQueue` that holds requests back while the broker throttles the client. */
interface ThrottledQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests: (this: ThrottledQueue) => void;
}

const REPAIRED = Symbol.for('o2c.kafkajs-repaired');
const SIZE_BYTES = 4;
/** kafkajs' own pause before it looks at held-back requests again. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** Both mends below, once per process. */
export function repairKafkajs(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const queue = require('kafkajs/src/network/requestQueue') as { prototype: ThrottledQueue };
  const marked = queue.prototype as unknown as Record<symbol, boolean>;
  if (marked[REPAIRED]) return;
  repairKafkajsFraming();
  repairKafkajsIdleLoop(queue.prototype);
  marked[REPAIRED] = true;
}

/**
 * Stops the loop every kafkajs connection runs while it lives: after each look at its held-back requests it
 * schedules the next look in `throttledUntil - now` ms, a negative number when it was never throttled, which Node
 * turns into 1 ms. Each connection so woke its process about a thousand times a second, idle or not (kafkajs'
 * issues 1556, 1604 and 1704; Node 24 warns `TimeoutNegativeWarning` for it): an idle service spent 30–38 ms of CPU
 * a second and its main thread woke about 800 times a second. A look is now scheduled only while a request is held
 * back: at the end of the throttle, or 10 ms on as kafkajs does when the client is not throttled; a request that
 * is not held back is sent at once, and a finished one looks at the held-back ones, as before.
 */
function repairKafkajsIdleLoop(prototype: ThrottledQueue): void {
  if (typeof prototype.scheduleCheckPendingRequests !== 'function') {
    throw new Error(
      'kafkajs: RequestQueue.scheduleCheckPendingRequests not found; the idle-loop repair does not fit',
    );
  }
  prototype.scheduleCheckPendingRequests = function (this: ThrottledQueue) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
}

/**
 * Mends how kafkajs reads responses after a connection is lost mid-response, which otherwise breaks a consumer
 * or kills the process (found by the chaos run; kafkajs' issue 715, "Rare ERR_BUFFER_OUT_OF_BOUNDS"):
 * - kafkajs keeps the bytes of a half-read response when the socket is reset, and reads the next socket's bytes
 *   after them: every later response is framed wrong. Requests time out ("Request Fetch timed out") and the
 *   consumer restarts after 30 s, again and again; or a garbled size makes it read outside the buffer, which is
 *   thrown from the socket's data handler and ends the process. A new socket now starts with nothing buffered,
 *   and what an old socket still delivers after it was replaced is ignored.
 * - A response that cannot be framed now breaks its connection (the socket is destroyed with the error, so that
 *   kafkajs fails its requests and connects again) instead of the process.
 */
function repairKafkajsFraming(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prototype } = require('kafkajs/src/network/connection') as { prototype: FramedConnection };
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
}

function resetFraming(connection: FramedConnection): void {
  connection.chunks = [];
  connection.bytesBuffered = 0;
  connection.bytesNeeded = SIZE_BYTES;
}
