import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createKafka } from '@o2c/messaging';
import { type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { Webhook } from 'standardwebhooks';

// The bare intake: the least a webhook intake with o2c's guarantees does for a deal, with no framework. It checks
// the Standard Webhooks signature (the library o2c uses), parses the body, writes the deal (once per id and
// revision) and its event in one transaction, answers 202, then produces the event (acks=all, idempotent) and
// marks it published. No checks of the deal, no catalog, no attempts, no tracing, no Nest or TypeORM: node:http,
// pg and kafkajs (with o2c's repairs, through `createKafka`). The benchmark runs it as a process of its own
// (`floors.ts`) and compares o2c's deals service with it.
//
//   node bench/dist/bare-intake.js <brokers> <database url> <topic> <webhook secret>
//
// It prints `ready <port>` once it listens on 127.0.0.1, and stops on SIGTERM.

export const BARE_INTAKE_SCHEMA = [
  `CREATE TABLE deal (deal_id text NOT NULL, revision integer NOT NULL, body jsonb NOT NULL,
     received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (deal_id, revision))`,
  `CREATE TABLE outbox (position bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, topic text NOT NULL,
     key text NOT NULL, data jsonb NOT NULL, published_at timestamptz)`,
  `CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL`,
];

const INSERT_DEAL = {
  name: 'bare-deal',
  text: `INSERT INTO deal (deal_id, revision, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING deal_id`,
};
const INSERT_EVENT = {
  name: 'bare-event',
  text: `INSERT INTO outbox (id, topic, key, data) VALUES ($1, $2, $3, $4)`,
};
const MARK = {
  name: 'bare-mark',
  text: `UPDATE outbox SET published_at = now() WHERE id = $1 AND published_at IS NULL`,
};

interface ClosedDeal {
  id: string;
  revision: number;
  account: { id: string };
}

interface Intake {
  readonly pool: Pool;
  readonly producer: Producer;
  readonly webhook: Webhook;
  readonly topic: string;
}

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function receive(intake: Intake, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await bodyOf(request);
  let deal: ClosedDeal;
  try {
    intake.webhook.verify(body, request.headers as Record<string, string>);
    deal = (JSON.parse(body) as { deal: ClosedDeal }).deal;
  } catch {
    response.writeHead(401).end();
    return;
  }
  const event = {
    id: randomUUID(),
    key: deal.account.id,
    data: JSON.stringify({ type: 'deal.closed', deal }),
  };
  const client = await intake.pool.connect();
  let stored: boolean;
  try {
    await client.query('BEGIN');
    const inserted = await client.query({ ...INSERT_DEAL, values: [deal.id, deal.revision, body] });
    stored = (inserted.rowCount ?? 0) > 0;
    if (stored)
      await client.query({ ...INSERT_EVENT, values: [event.id, intake.topic, event.key, event.data] });
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  response
    .writeHead(stored ? 202 : 200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ dealId: deal.id, revision: deal.revision, status: 'accepted' }));
  if (!stored) return;
  await intake.producer.send({
    topic: intake.topic,
    acks: -1,
    messages: [{ key: event.key, value: event.data }],
  });
  await intake.pool.query({ ...MARK, values: [event.id] });
}

async function main(): Promise<void> {
  const [brokers, databaseUrl, topic, secret] = process.argv.slice(2);
  if (!brokers || !databaseUrl || !topic || !secret)
    throw new Error('usage: bare-intake.js <brokers> <database url> <topic> <webhook secret>');
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const producer = createKafka({ brokers, clientId: 'o2c-bench-bare-intake' }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const intake: Intake = { pool, producer, webhook: new Webhook(secret), topic };
  const server = createServer((request, response) => {
    receive(intake, request, response).catch((error: unknown) => {
      process.stderr.write(`bare intake: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void producer
      .disconnect()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bare intake: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
