import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A document's contract is looked up through one index: the unique `(contract_id, document_key)` serves every
 * lookup by contract (a contract's documents, a bill run chunk's, the listing filtered by contract), so
 * `document_contract (contract_id, issue_date)` is dropped. It was one more index entry written for every
 * document while a bill run holds the numbering.
 */
export class OneIndexByContract1765300000000 implements MigrationInterface {
  name = 'OneIndexByContract1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX document_contract`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX document_contract ON document (contract_id, issue_date)`);
  }
}
