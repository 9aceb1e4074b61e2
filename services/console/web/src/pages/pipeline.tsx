import { BarChart } from '@mantine/charts';
import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { api, useLoad, when } from '../api';
import { ErrorAlert, Loading, ReasonText, StatusBadge } from '../components';
import { href } from '../router';

type Counts = { accepted: number; held: number; rejected: number };
interface Pipeline {
  today: string;
  deals: { today: Counts; month: Counts; complete: boolean };
  waiting: {
    items: { dealId: string; status: string; accountId: string; reasons: string[]; receivedAt: string }[];
    total: number;
    complete: boolean;
  };
  deadLetters: { service: string; pending: number | null }[];
  jobs: {
    service: string;
    job: string;
    lastSuccessAt: string | null;
    runs: { success: number; failure: number };
  }[];
  runFailures: { service: string; open: number | null }[];
  billRuns: {
    billRunId: string;
    asOf: string;
    status: string;
    startedAt: string;
    progress: { issued: number; failed: number };
  }[];
  unavailable: { service: string; status: number; detail: string }[];
}

function Stat({ label, value, color }: { label: string; value: number | string; color?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color}>
        {value}
      </Text>
    </Card>
  );
}

export function PipelinePage() {
  const { data, error, loading, reload } = useLoad('pipeline', () => api<Pipeline>('pipeline'));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Pipeline
        </Title>
        <Button variant="light" onClick={reload} loading={loading}>
          Refresh
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {loading && !data && <Loading what="the pipeline" />}
      {data && (
        <>
          {data.unavailable.map((entry) => (
            <Alert key={entry.service} color="red" title={`${entry.service} is not answering`} role="alert">
              {entry.detail}
            </Alert>
          ))}
          <SimpleGrid cols={{ base: 2, md: 6 }}>
            <Stat label="Accepted today" value={data.deals.today.accepted} color="teal" />
            <Stat label="Held today" value={data.deals.today.held} color="yellow.8" />
            <Stat label="Rejected today" value={data.deals.today.rejected} color="red" />
            <Stat label="Accepted this month" value={data.deals.month.accepted} color="teal" />
            <Stat label="Held this month" value={data.deals.month.held} color="yellow.8" />
            <Stat label="Rejected this month" value={data.deals.month.rejected} color="red" />
          </SimpleGrid>
          <Card withBorder>
            <Text fw={600} mb="xs" id="deals-chart">
              Deals by status ({data.today})
              {data.deals.complete ? '' : ', counted over the newest 2,000 deals'}
            </Text>
            <BarChart
              h={180}
              aria-labelledby="deals-chart"
              data={[
                { period: 'Today', ...data.deals.today },
                { period: 'This month', ...data.deals.month },
              ]}
              dataKey="period"
              orientation="vertical"
              yAxisProps={{ width: 90 }}
              series={[
                { name: 'accepted', color: 'teal.6' },
                { name: 'held', color: 'yellow.6' },
                { name: 'rejected', color: 'red.6' },
              ]}
              withLegend
            />
          </Card>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder>
              <Text fw={600} mb="xs">
                Dead letters and run failures
              </Text>
              <Table fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Service</Table.Th>
                    <Table.Th>Dead letters pending</Table.Th>
                    <Table.Th>Run failures open</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.deadLetters.map((entry) => (
                    <Table.Tr key={entry.service}>
                      <Table.Td>{entry.service}</Table.Td>
                      <Table.Td>{entry.pending ?? 'unknown'}</Table.Td>
                      <Table.Td>
                        {data.runFailures.find((f) => f.service === entry.service)?.open ?? '–'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
            <Card withBorder>
              <Text fw={600} mb="xs">
                Jobs: last run
              </Text>
              <Table fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Job</Table.Th>
                    <Table.Th>Last success</Table.Th>
                    <Table.Th>Runs ok / failed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.jobs.map((job) => (
                    <Table.Tr key={`${job.service}-${job.job}`}>
                      <Table.Td>
                        {job.service}: {job.job}
                      </Table.Td>
                      <Table.Td>{job.lastSuccessAt ? when(job.lastSuccessAt) : 'not since start'}</Table.Td>
                      <Table.Td>
                        {job.runs.success} / {job.runs.failure}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  {data.billRuns.slice(0, 1).map((run) => (
                    <Table.Tr key={run.billRunId}>
                      <Table.Td>invoicing: latest bill run (as of {run.asOf})</Table.Td>
                      <Table.Td>{when(run.startedAt)}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={run.status} /> {run.progress.issued} issued,{' '}
                        {run.progress.failed} failed
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </SimpleGrid>
          <Card withBorder>
            <Text fw={600} mb="xs">
              Waiting for a person: {data.waiting.total} deal{data.waiting.total === 1 ? '' : 's'}, oldest
              first
            </Text>
            <Table fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Deal</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Since</Table.Th>
                  <Table.Th>First reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.waiting.items.slice(0, 20).map((deal) => (
                  <Table.Tr key={deal.dealId}>
                    <Table.Td>
                      <Anchor href={href('journey', { id: deal.dealId })}>{deal.dealId}</Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={deal.status} />
                    </Table.Td>
                    <Table.Td>{when(deal.receivedAt)}</Table.Td>
                    <Table.Td>{deal.reasons[0] && <ReasonText reason={deal.reasons[0]} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  );
}
