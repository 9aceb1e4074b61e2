import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Stack,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, openPdf, useLoad, when } from '../api';
import { ErrorAlert, Loading, StatusBadge } from '../components';
import { href, navigate, type Route } from '../router';

type Tone = 'done' | 'waiting' | 'stuck';
interface Entry {
  stage: string;
  at: string;
  status: string;
  tone: Tone;
  title: string;
  detail?: string;
  reasons?: { field: string | null; message: string }[];
  ref?: { service: string; kind: string; id: string };
}
interface TimelineAnswer {
  id: string;
  matched: string;
  accountId: string | null;
  contractIds: string[];
  dealIds: string[];
  entries: Entry[];
  stuck: { stage: string; since: string; reason: string } | null;
}

const STAGES: { stage: string; label: string }[] = [
  { stage: 'webhook', label: 'Webhook' },
  { stage: 'contract', label: 'Contract' },
  { stage: 'invoice', label: 'Invoices' },
  { stage: 'credit_note', label: 'Credit notes' },
  { stage: 'licence', label: 'Licences' },
  { stage: 'delivery', label: 'Deliveries' },
];
const TONE_COLOR: Record<Tone, string> = { done: 'teal', waiting: 'yellow', stuck: 'red' };

function EntryLink({ entry }: { entry: Entry }) {
  const ref = entry.ref;
  if (!ref) return null;
  if (ref.kind === 'contract')
    return <Anchor href={href('contract', { id: ref.id })}>Open the contract</Anchor>;
  if (ref.kind === 'invoice' || ref.kind === 'credit_note')
    return (
      <Group gap="sm">
        <Anchor href={href('documents', { kind: ref.kind, id: ref.id })}>
          Open the {ref.kind === 'invoice' ? 'invoice' : 'credit note'}
        </Anchor>
        <Anchor
          component="button"
          onClick={() =>
            void openPdf(`invoicing/v1/${ref.kind === 'invoice' ? 'invoices' : 'credit-notes'}/${ref.id}/pdf`)
          }
        >
          PDF
        </Anchor>
      </Group>
    );
  if (ref.kind === 'deal' && entry.tone === 'stuck')
    return (
      <Anchor href={href('exceptions', { status: entry.status === 'held' ? 'held' : 'rejected' })}>
        Open the exception queue
      </Anchor>
    );
  return null;
}

export function JourneyPage({ route }: { route: Route }) {
  const id = route.params.get('id') ?? '';
  const [input, setInput] = useState(id);
  const { data, error, loading, reload } = useLoad(id || undefined, () =>
    api<TimelineAnswer>(`timeline?id=${encodeURIComponent(id)}`),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim()) navigate('journey', { id: input.trim() });
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Deal journey
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput
            label="Deal id, contract id, account id or invoice number"
            value={input}
            onChange={(event) => setInput(event.currentTarget.value)}
            w={420}
          />
          <Button type="submit">Show journey</Button>
          {id && (
            <Button variant="light" onClick={reload} loading={loading}>
              Refresh
            </Button>
          )}
        </Group>
      </form>
      <ErrorAlert error={error} title="No journey" />
      {loading && !data && <Loading what="the journey" />}
      {data && (
        <>
          <Text size="sm">
            {data.id} is a{data.matched === 'account' || data.matched === 'invoice' ? 'n' : ''}{' '}
            {data.matched.replace('_', ' ')}
            {data.accountId ? ` of account ${data.accountId}` : ''}
            {data.contractIds.length > 0 ? `; contract ${data.contractIds.join(', ')}` : ''}
          </Text>
          {data.stuck ? (
            <Alert
              color="red"
              title={`Stuck at ${data.stuck.stage} since ${when(data.stuck.since)}`}
              role="alert"
            >
              {data.stuck.reason}
            </Alert>
          ) : (
            <Alert color="teal" title="Nothing is stuck" role="status">
              Every step went through or waits only for its date or a payment.
            </Alert>
          )}
          <Group gap="xs" aria-label="Stages">
            {STAGES.map(({ stage, label }) => {
              const entries = data.entries.filter((entry) => entry.stage === stage);
              const tone: Tone | undefined = entries.some((e) => e.tone === 'stuck')
                ? 'stuck'
                : entries.some((e) => e.tone === 'waiting')
                  ? 'waiting'
                  : entries.length > 0
                    ? 'done'
                    : undefined;
              return (
                <Badge
                  key={stage}
                  color={tone ? TONE_COLOR[tone] : 'gray'}
                  variant={tone ? 'filled' : 'outline'}
                >
                  {label}: {entries.length}
                </Badge>
              );
            })}
          </Group>
          <Timeline active={data.entries.length - 1} bulletSize={18} lineWidth={2}>
            {data.entries.map((entry, index) => (
              <Timeline.Item key={index} color={TONE_COLOR[entry.tone]} title={entry.title}>
                <Group gap="xs">
                  <StatusBadge status={entry.status} />
                  <Text size="xs" c="dimmed">
                    {entry.stage.replace('_', ' ')} · {when(entry.at)}
                  </Text>
                </Group>
                {entry.detail && <Text size="sm">{entry.detail}</Text>}
                {entry.reasons?.map((reason, n) => (
                  <Text size="sm" key={n} c="red.8">
                    {reason.field && <Code>{reason.field}</Code>} {reason.message}
                  </Text>
                ))}
                <EntryLink entry={entry} />
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
    </Stack>
  );
}
