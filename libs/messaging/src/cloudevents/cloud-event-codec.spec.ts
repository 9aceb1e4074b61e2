import { MalformedEventError } from '../errors';
import { decodeEvent, encodeEvent, headersAsStrings, type EventRecord } from './cloud-event-codec';

const record: EventRecord = {
  id: '0193a6f2-7c1e-7d4e-9a1b-2f3c4d5e6f70',
  type: 'o2c.deal.closed.v1',
  source: 'o2c/deals',
  subject: 'deal/006Ax00000Q1',
  time: '2026-01-20T16:03:00.000Z',
  key: '001Ax00000A1',
  data: { dealId: '006Ax00000Q1', total: { amountMinor: '1620000', currency: 'USD' } },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe(encodeEvent.name, () => {
  it('writes CloudEvents binary-mode headers, the traceparent, the key and JSON data', () => {
    const sut = encodeEvent(record);
    expect(sut.key).toBe('001Ax00000A1');
    expect(JSON.parse(String(sut.value))).toEqual(record.data);
    expect(headersAsStrings(sut.headers)).toEqual({
      ce_specversion: '1.0',
      ce_id: record.id,
      ce_type: 'o2c.deal.closed.v1',
      ce_source: 'o2c/deals',
      ce_subject: 'deal/006Ax00000Q1',
      ce_time: '2026-01-20T16:03:00.000Z',
      'content-type': 'application/json',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });
});

describe(decodeEvent.name, () => {
  function asReceived(message: ReturnType<typeof encodeEvent>) {
    const headers = Object.fromEntries(
      Object.entries(headersAsStrings(message.headers)).map(([k, v]) => [k, Buffer.from(v)]),
    );
    return { key: Buffer.from(String(message.key)), value: Buffer.from(String(message.value)), headers };
  }

  it('reads back what encodeEvent wrote', () => {
    expect(decodeEvent(asReceived(encodeEvent(record)))).toEqual(record);
  });

  it.each([
    ['no key', (m: ReturnType<typeof asReceived>) => ({ ...m, key: null }), /no key/],
    ['no value', (m: ReturnType<typeof asReceived>) => ({ ...m, value: null }), /no value/],
    [
      'another content type',
      (m: ReturnType<typeof asReceived>) => ({
        ...m,
        headers: { ...m.headers, 'content-type': Buffer.from('text/plain') },
      }),
      /content-type must be application\/json/,
    ],
    [
      'no ce_id',
      (m: ReturnType<typeof asReceived>) => {
        const { ce_id: _id, ...headers } = m.headers;
        return { ...m, headers };
      },
      /not a CloudEvent/,
    ],
    [
      'a value that is not JSON',
      (m: ReturnType<typeof asReceived>) => ({ ...m, value: Buffer.from('{oops') }),
      /JSON/,
    ],
  ])('refuses a message with %s', (_case, mutate, message) => {
    const received = mutate(asReceived(encodeEvent(record)));
    expect(() => decodeEvent(received)).toThrow(MalformedEventError);
    expect(() => decodeEvent(received)).toThrow(message);
  });
});
