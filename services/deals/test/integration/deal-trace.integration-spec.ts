// As main.ts does: telemetry first, with no exporter configured (nothing in the environment says where to).
import '../../src/instrument';
import { randomBytes } from 'node:crypto';
import { Topics } from '@o2c/contracts';
import { type EventRecord } from '@o2c/messaging';
import { postDeal, sampleDeal } from './support/deal-webhook';
import { type DealsUnderTest, eventsWithSubjects, startDeals, stopDeals } from './support/ops';

const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-0[01]$/;

let deals: DealsUnderTest;

beforeAll(async () => {
  expect(process.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  expect(process.env.OTEL_TRACES_EXPORTER).toBe('none');
  deals = await startDeals();
});

afterAll(() => stopDeals(deals));

/** Posts each deal (with the headers given for it) and returns its o2c.deal.closed.v1 event. */
async function closedEvents(...posts: [ReturnType<typeof sampleDeal>, Record<string, string>?][]) {
  for (const [body, headers] of posts) {
    expect((await postDeal(deals.sut.baseUrl, body, headers ? { headers } : {})).status).toBe(202);
  }
  const subjects = posts.map(([body]) => `deal/${body.deal.id}`);
  const events = await eventsWithSubjects(deals.sut.topic(Topics.deals), subjects);
  return subjects.map((subject) => events.find((e) => e.subject === subject)!);
}

const traceIdOf = (event: EventRecord) => TRACEPARENT.exec(event.traceparent ?? '')?.[1];
const spanIdOf = (event: EventRecord) => TRACEPARENT.exec(event.traceparent ?? '')?.[2];

describe('the trace of a deal', () => {
  it('starts a trace for a webhook without a traceparent, one per deal, which its event carries', async () => {
    const [first, second] = await closedEvents([sampleDeal()], [sampleDeal()]);
    expect(first!.traceparent).toMatch(TRACEPARENT);
    expect(second!.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(first!)).not.toBe(traceIdOf(second!));
  });

  it('continues the trace of an incoming traceparent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const [event] = await closedEvents([sampleDeal(), { traceparent: `00-${traceId}-${parentSpanId}-01` }]);
    expect(event!.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(event!)).toBe(traceId);
    expect(spanIdOf(event!)).not.toBe(parentSpanId); // the request's own span, a child of the CRM's
  });

  it('starts a trace of its own when the incoming traceparent is not valid', async () => {
    const [event] = await closedEvents([sampleDeal(), { traceparent: 'not-a-traceparent' }]);
    expect(event!.traceparent).toMatch(TRACEPARENT);
  });
});
