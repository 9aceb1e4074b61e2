import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Fragment, useState } from 'react';
import { api, describeError, useLoad, when } from '../api';
import { ErrorAlert, Loading, PageButtons, ReasonText, StatusBadge, useCursorPages } from '../components';
import { href, navigate, type Route } from '../router';

interface DealSummary {
  dealId: string;
  revision: number;
  kind: string;
  status: string;
  accountId: string;
  reasons: string[];
  receivedAt: string;
}
interface DealDetail extends DealSummary {
  deal: unknown;
  history: { revision: number; source: string; outcome: string; reasons: string[]; at: string }[];
}
interface ReplayResult {
  dealId: string;
  outcome: string;
  status?: string;
  contractId?: string | null;
  reasons?: string[];
  detail: string;
}

function Details({ dealId }: { dealId: string }) {
  const { data, error } = useLoad(dealId, () =>
    api<DealDetail>(`deals/v1/deals/${encodeURIComponent(dealId)}`),
  );
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Loading what={`deal ${dealId}`} />;
  return (
    <Group align="flex-start" grow>
      <div>
        <Text fw={600} size="sm">
          The deal as the CRM sent it (revision {data.revision})
        </Text>
        <Code block mah={260} style={{ overflow: 'auto' }}>
          {JSON.stringify(data.deal, null, 2)}
        </Code>
      </div>
      <div>
        <Text fw={600} size="sm">
          Attempts
        </Text>
        <Table fz="xs">
          <Table.Tbody>
            {data.history.map((attempt, index) => (
              <Table.Tr key={index}>
                <Table.Td>{when(attempt.at)}</Table.Td>
                <Table.Td>
                  revision {attempt.revision}, {attempt.source}
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={attempt.outcome} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Group>
  );
}

export function ExceptionsPage({ route }: { route: Route }) {
  const status = route.params.get('status') === 'held' ? 'held' : 'rejected';
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const { data, error, loading, reload } = useLoad(`${status}:${cursor ?? ''}`, () =>
    api<{ items: DealSummary[]; nextCursor: string | null }>(
      `deals/v1/deals?status=${status}&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
    ),
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState<string>();
  const [results, setResults] = useState<ReplayResult[]>();
  const [replayError, setReplayError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const replay = async (ids: string[]) => {
    setBusy(true);
    setReplayError(undefined);
    try {
      const answer =
        ids.length === 1
          ? [
              await api<ReplayResult>(`deals/v1/deals/${encodeURIComponent(ids[0]!)}/replay`, {
                method: 'POST',
              }),
            ]
          : (await api<{ results: ReplayResult[] }>('deals/v1/deals/replay', { body: { ids } })).results;
      setResults(answer);
      setSelected([]);
      reload();
    } catch (failure) {
      setReplayError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const items = data?.items ?? [];
  const toggle = (id: string) =>
    setSelected((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));

  return (
    <Stack>
      <Title order={1} size="h2">
        Exception queue
      </Title>
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={(value) => {
            pages.first();
            navigate('exceptions', { status: value });
          }}
          data={[
            { value: 'rejected', label: 'Rejected' },
            { value: 'held', label: 'Held' },
          ]}
        />
        <Group>
          <Button variant="light" onClick={reload}>
            Refresh
          </Button>
          <Button disabled={selected.length === 0} loading={busy} onClick={() => void replay(selected)}>
            Replay selected ({selected.length})
          </Button>
        </Group>
      </Group>
      {replayError && (
        <Alert color="red" title="Replay failed" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {replayError}
        </Alert>
      )}
      {results && (
        <section aria-label="Replay outcome" aria-live="polite">
          <Alert color="blue" title="Replay outcome" withCloseButton onClose={() => setResults(undefined)}>
            <Stack gap={4}>
              {results.map((result) => (
                <Text size="sm" key={result.dealId}>
                  <Anchor href={href('journey', { id: result.dealId })}>{result.dealId}</Anchor>:{' '}
                  {result.outcome}
                  {result.status ? ` → ` : ''}
                  {result.status && <StatusBadge status={result.status} />} {result.detail}
                  {(result.reasons ?? []).length > 0 ? ` (${result.reasons!.join('; ')})` : ''}
                </Text>
              ))}
            </Stack>
          </Alert>
        </section>
      )}
      <ErrorAlert error={error} />
      {loading && !data && <Loading what="the exception queue" />}
      {data && items.length === 0 && <Text>No {status} deals.</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table fz="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Checkbox
                    aria-label="Select every deal of the page"
                    checked={selected.length === items.length}
                    indeterminate={selected.length > 0 && selected.length < items.length}
                    onChange={() =>
                      setSelected(selected.length === items.length ? [] : items.map((d) => d.dealId))
                    }
                  />
                </Table.Th>
                <Table.Th>Deal</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Received</Table.Th>
                <Table.Th>Reasons</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((deal) => (
                <Fragment key={deal.dealId}>
                  <Table.Tr>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select deal ${deal.dealId}`}
                        checked={selected.includes(deal.dealId)}
                        onChange={() => toggle(deal.dealId)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Anchor href={href('journey', { id: deal.dealId })}>{deal.dealId}</Anchor>
                      <Text size="xs" c="dimmed">
                        {deal.kind}, revision {deal.revision}
                      </Text>
                    </Table.Td>
                    <Table.Td>{deal.accountId}</Table.Td>
                    <Table.Td>{when(deal.receivedAt)}</Table.Td>
                    <Table.Td>
                      {deal.reasons.map((reason) => (
                        <ReasonText key={reason} reason={reason} />
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          aria-expanded={open === deal.dealId}
                          onClick={() => setOpen(open === deal.dealId ? undefined : deal.dealId)}
                        >
                          {open === deal.dealId ? 'Hide' : 'Details'}
                        </Button>
                        <Button
                          size="xs"
                          aria-label={`Replay deal ${deal.dealId}`}
                          loading={busy}
                          onClick={() => void replay([deal.dealId])}
                        >
                          Replay
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                  {open === deal.dealId && (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Details dealId={deal.dealId} />
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PageButtons pages={pages} nextCursor={data?.nextCursor} />
    </Stack>
  );
}
