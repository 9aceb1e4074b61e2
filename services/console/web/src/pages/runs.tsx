import { Alert, Button, Card, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { api, describeError, useLoad, when } from '../api';
import { ErrorAlert, StatusBadge } from '../components';
import { href } from '../router';

interface BillRun {
  billRunId: string;
  asOf: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  progress: { contracts: number; issued: number; failed: number };
  failed?: { contractId: string; error: string }[];
  overdue?: unknown[];
}
interface RunDocument {
  documentId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  contractId: string;
}
type Outcome =
  | { run: 'bill'; billRun: BillRun; documents: RunDocument[] }
  | { run: 'renewal' | 'provisioning'; answer: Record<string, unknown> };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows a bill run to its end, then reads what it issued. */
async function followBillRun(billRunId: string): Promise<{ billRun: BillRun; documents: RunDocument[] }> {
  let billRun = await api<BillRun>(`invoicing/v1/bill-runs/${billRunId}`);
  while (billRun.status === 'running') {
    await pause(500);
    billRun = await api<BillRun>(`invoicing/v1/bill-runs/${billRunId}`);
  }
  const documents = await api<{ items: RunDocument[] }>(
    `invoicing/v1/bill-runs/${billRunId}/documents?limit=1000`,
  );
  return { billRun, documents: documents.items };
}

function BillRunOutcome({ billRun, documents }: { billRun: BillRun; documents: RunDocument[] }) {
  return (
    <Stack gap="xs">
      <Text>
        Bill run as of {billRun.asOf}: <StatusBadge status={billRun.status} /> {billRun.progress.contracts}{' '}
        contracts, {billRun.progress.issued} documents issued, {billRun.progress.failed} failed
      </Text>
      {(billRun.failed ?? []).map((failure) => (
        <Text key={failure.contractId} size="sm" c="red.8">
          contract {failure.contractId}: {failure.error}
        </Text>
      ))}
      <Table fz="sm" withTableBorder>
        <caption style={{ textAlign: 'left', captionSide: 'top' }}>Documents it issued</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Date</Table.Th>
            <Table.Th>Contract</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {documents.map((document) => (
            <Table.Tr key={document.documentId}>
              <Table.Td>
                <a href={href('documents', { kind: document.kind, id: document.documentId })}>
                  {document.number}
                </a>
              </Table.Td>
              <Table.Td>{document.kind === 'invoice' ? 'invoice' : 'credit note'}</Table.Td>
              <Table.Td>{document.issueDate}</Table.Td>
              <Table.Td>{document.contractId}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function RunsPage() {
  const [asOf, setAsOf] = useState(new Date().toISOString().slice(0, 10));
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const recent = useLoad('bill-runs', () => api<{ items: BillRun[] }>('invoicing/v1/bill-runs?limit=10'));

  const start = async (run: 'bill' | 'renewal' | 'provisioning') => {
    setBusy(run);
    setError(undefined);
    setOutcome(undefined);
    try {
      if (run === 'bill') {
        const started = await api<BillRun>('invoicing/v1/bill-runs', { body: { asOf } });
        setOutcome({ run, ...(await followBillRun(started.billRunId)) });
        recent.reload();
      } else if (run === 'renewal') {
        setOutcome({ run, answer: await api('subscriptions/v1/admin/renewals', { body: { asOf } }) });
      } else {
        setOutcome({ run, answer: await api('provisioning/v1/admin/provisioning-runs', { body: { asOf } }) });
      }
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(undefined);
    }
  };
  const show = async (billRunId: string) => {
    setError(undefined);
    try {
      setOutcome({ run: 'bill', ...(await followBillRun(billRunId)) });
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Runs
      </Title>
      <Card withBorder>
        <Group align="flex-end">
          <TextInput
            label="As of"
            type="date"
            value={asOf}
            onChange={(event) => setAsOf(event.currentTarget.value)}
            required
            w={170}
          />
          <Button onClick={() => void start('bill')} loading={busy === 'bill'} disabled={!!busy}>
            Start bill run
          </Button>
          <Button
            variant="light"
            onClick={() => void start('renewal')}
            loading={busy === 'renewal'}
            disabled={!!busy}
          >
            Run renewals
          </Button>
          <Button
            variant="light"
            onClick={() => void start('provisioning')}
            loading={busy === 'provisioning'}
            disabled={!!busy}
          >
            Run provisioning
          </Button>
        </Group>
      </Card>
      {error && (
        <Alert color="red" title="The run did not start" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </Alert>
      )}
      {outcome && (
        <section aria-label="Run outcome" aria-live="polite">
          <Card withBorder>
            {outcome.run === 'bill' ? (
              <BillRunOutcome billRun={outcome.billRun} documents={outcome.documents} />
            ) : (
              <Stack gap="xs">
                <Text>
                  {outcome.run === 'renewal' ? 'Renewal run' : 'Provisioning run'} as of {asOf}: done
                </Text>
                <Code block>{JSON.stringify(outcome.answer, null, 2)}</Code>
              </Stack>
            )}
          </Card>
        </section>
      )}
      <ErrorAlert error={recent.error} />
      {recent.data && (
        <Table fz="sm" withTableBorder>
          <caption style={{ textAlign: 'left', captionSide: 'top' }}>Recent bill runs</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>As of</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th>Failed</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {recent.data.items.map((run) => (
              <Table.Tr key={run.billRunId}>
                <Table.Td>{run.asOf}</Table.Td>
                <Table.Td>{when(run.startedAt)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={run.status} />
                </Table.Td>
                <Table.Td>{run.progress.issued}</Table.Td>
                <Table.Td>{run.progress.failed}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => void show(run.billRunId)}>
                    What it did
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
