import { asyncApiDocument } from './asyncapi';
import { EventTypes, Topics } from './topics';

interface Doc {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<string, { name: string; payload: { $ref: string } }>;
    schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>;
  };
}

describe(asyncApiDocument.name, () => {
  const sut = asyncApiDocument('1.0.0') as unknown as Doc;

  it('has a channel per topic holding the messages of its event types', () => {
    expect(sut.asyncapi).toBe('3.0.0');
    expect(
      Object.values(sut.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(Object.values(Topics).sort());
    expect(Object.keys(sut.channels['o2c_invoices_v1']!.messages).sort()).toEqual([
      'o2c_credit_note_issued_v1',
      'o2c_invoice_issued_v1',
      'o2c_invoice_overdue_v1',
      'o2c_invoice_paid_v1',
    ]);
  });

  it('describes every event type with a payload schema that exists', () => {
    const messages = Object.values(sut.components.messages);
    expect(messages.map((m) => m.name).sort()).toEqual(Object.values(EventTypes).sort());
    for (const message of messages) {
      const name = message.payload.$ref.replace('#/components/schemas/', '');
      expect(sut.components.schemas[name]).toBeDefined();
    }
  });

  it('carries the validation rules: required fields, formats, patterns and nesting', () => {
    const deal = sut.components.schemas['DealClosedV1']!;
    expect(deal.required).toEqual(
      expect.arrayContaining(['dealId', 'revision', 'kind', 'contractId', 'account', 'lines']),
    );
    expect(deal.properties!['kind']).toMatchObject({ enum: ['new', 'amendment', 'renewal', 'cancellation'] });
    expect(deal.properties!['closedAt']).toMatchObject({ format: 'date-time' });
    expect(deal.properties!['effectiveDate']).toMatchObject({ format: 'date' });
    expect(deal.properties!['lines']).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/DealLineV1' },
    });
    expect(deal.properties!['lines']).not.toHaveProperty('$ref');
    expect(sut.components.schemas['MoneyV1']!.properties!['amountMinor']).toHaveProperty('pattern');
  });
});
