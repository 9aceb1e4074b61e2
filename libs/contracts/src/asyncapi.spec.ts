import { IsString } from 'class-validator';
import { asyncApiDocument, validationSchemas } from './asyncapi';
import { EventTypes, Topics } from './topics';

/** A validated class that is no event contract, like a service's settings or a request body. */
class NotAnEventSettings {
  @IsString()
  SOME_VARIABLE!: string;
}

interface Doc {
  asyncapi: string;
  servers: Record<string, { host: string; protocol: string; variables?: Record<string, unknown> }>;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<
      string,
      {
        name: string;
        payload: { $ref: string };
        headers: { properties: Record<string, unknown> };
        bindings: { kafka: { key: { type: string; description: string } } };
        'x-o2c-key': string;
      }
    >;
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

  it('holds the event contracts alone: a validated class that is no contract is not in it', () => {
    expect(validationSchemas()).toHaveProperty(NotAnEventSettings.name);
    expect(sut.components.schemas).not.toHaveProperty(NotAnEventSettings.name);
    expect(Object.keys(sut.components.schemas)).toEqual(
      expect.arrayContaining(['DealClosedV1', 'MoneyV1', 'InvoiceIssuedV1', 'LicenseProvisionedV1']),
    );
    expect(JSON.stringify(asyncApiDocument('1.0.0'))).toBe(JSON.stringify(sut));
  });

  it('names the Kafka server by a variable, not by a machine', () => {
    expect(sut.servers['kafka']).toMatchObject({ host: '{broker}', protocol: 'kafka' });
    expect(sut.servers['kafka']!.variables).toHaveProperty('broker');
  });

  it('keys every message by the customer account id, and fixes its ce_type header', () => {
    const keys = Object.fromEntries(
      Object.values(sut.components.messages).map((m) => [m.name, m['x-o2c-key']]),
    );
    expect(keys).toEqual({
      'o2c.deal.closed.v1': 'account.id',
      'o2c.subscription.activated.v1': 'accountId',
      'o2c.subscription.amended.v1': 'accountId',
      'o2c.subscription.renewed.v1': 'accountId',
      'o2c.subscription.cancelled.v1': 'accountId',
      'o2c.invoice.issued.v1': 'accountId',
      'o2c.credit_note.issued.v1': 'accountId',
      'o2c.invoice.paid.v1': 'accountId',
      'o2c.invoice.overdue.v1': 'accountId',
      'o2c.license.provisioned.v1': 'accountId',
      'o2c.license.updated.v1': 'accountId',
      'o2c.license.revoked.v1': 'accountId',
    });
    const paid = sut.components.messages['o2c_invoice_paid_v1']!;
    expect(paid.bindings.kafka.key).toEqual({
      type: 'string',
      description: 'The customer account id: accountId of the payload',
    });
    expect(paid.headers.properties['ce_type']).toEqual({ const: 'o2c.invoice.paid.v1' });
  });
});
