import { CreateOutboxAndInbox1764000000000 } from './1764000000000-create-outbox-and-inbox';

/** Migrations of the messaging tables, in order; each service lists them before its own. */
export const messagingMigrations = [CreateOutboxAndInbox1764000000000];
