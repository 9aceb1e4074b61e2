import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError } from '../errors';
import { type KafkaInboxServer, type ReplayOutcome } from '../inbox/kafka-inbox.server';

export interface DeadLetterView {
  readonly id: string;
  readonly consumerGroup: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly eventId: string | null;
  readonly type: string | null;
  readonly key: string | null;
  readonly error: string;
  readonly attempts: number;
  readonly deadLetteredAt: string;
  readonly replayedAt: string | null;
  readonly lastReplayError: string | null;
}

interface DeadLetterRow {
  id: string;
  consumer_group: string;
  topic: string;
  partition: number;
  offset: string;
  event_id: string | null;
  type: string | null;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
  error: string;
  attempts: number;
  dead_lettered_at: Date;
  replayed_at: Date | null;
  last_replay_error: string | null;
}

export type ReplayResult =
  | { readonly id: string; readonly outcome: ReplayOutcome }
  | { readonly id: string; readonly outcome: 'failed'; readonly error: string };

export class DeadLetterNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no dead letter ${id}`);
  }
}

function view(row: DeadLetterRow): DeadLetterView {
  return {
    id: row.id,
    consumerGroup: row.consumer_group,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    eventId: row.event_id,
    type: row.type,
    key: row.key,
    error: row.error,
    attempts: row.attempts,
    deadLetteredAt: row.dead_lettered_at.toISOString(),
    replayedAt: row.replayed_at?.toISOString() ?? null,
    lastReplayError: row.last_replay_error,
  };
}

/** The dead letters of this service's consumer group: list them, replay one or all. */
@Injectable()
export class DeadLetters {
  private server?: KafkaInboxServer;

  constructor(private readonly dataSource: DataSource) {}

  attach(server: KafkaInboxServer): void {
    this.server = server;
  }

  async list(status: 'pending' | 'replayed' | 'all' = 'pending'): Promise<DeadLetterView[]> {
    const where = { pending: 'AND replayed_at IS NULL', replayed: 'AND replayed_at IS NOT NULL', all: '' }[
      status
    ];
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT * FROM dead_letter WHERE consumer_group = $1 ${where} ORDER BY dead_lettered_at, "offset"`,
      [this.requireServer().groupId],
    );
    return rows.map(view);
  }

  async replay(id: string): Promise<ReplayResult> {
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT * FROM dead_letter WHERE id = $1 AND consumer_group = $2`,
      [id, this.requireServer().groupId],
    );
    const row = rows[0];
    if (!row) throw new DeadLetterNotFoundError(id);
    if (row.replayed_at) return { id, outcome: 'duplicate' };
    try {
      const outcome = await this.requireServer().replay({ ...row, offset: String(row.offset) });
      await this.dataSource.query(
        `UPDATE dead_letter SET replayed_at = now(), last_replay_error = NULL WHERE id = $1`,
        [id],
      );
      return { id, outcome };
    } catch (error) {
      const reason = describeError(error).slice(0, 4_000);
      await this.dataSource.query(`UPDATE dead_letter SET last_replay_error = $2 WHERE id = $1`, [
        id,
        reason,
      ]);
      return { id, outcome: 'failed', error: reason };
    }
  }

  /** Replays every pending dead letter, oldest first. */
  async replayAll(): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const letter of await this.list('pending')) results.push(await this.replay(letter.id));
    return results;
  }

  private requireServer(): KafkaInboxServer {
    if (!this.server) throw new Error('this service consumes no events, so it has no dead letters');
    return this.server;
  }
}
