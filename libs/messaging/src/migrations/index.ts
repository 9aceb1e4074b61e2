import { CreateOutboxAndInbox1764000000000 } from './1764000000000-create-outbox-and-inbox';
import { CreateDeadLetter1764000000001 } from './1764000000001-create-dead-letter';

/** Migrations of the messaging tables, in order; each service lists them before its own. */
export const messagingMigrations = [CreateOutboxAndInbox1764000000000, CreateDeadLetter1764000000001];
