import { Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, useLoad, when } from '../api';
import { ErrorAlert, Loading, type ScheduledDocument, ScheduleTable, StatusBadge } from '../components';
import { href, navigate, type Route } from '../router';

interface Contract {
  contractId: string;
  accountId: string;
  account?: { name: string; country: string };
  currency: string;
  version: number;
  status: string;
  term: {
    startDate: string;
    endDate: string;
    billingFrequency: string;
    autoRenew: boolean;
    termMonths: number;
  };
  charges: {
    chargeId: string;
    sku: string;
    segments: { effectiveFrom: string; effectiveTo: string; quantity: number; unitPrice: string }[];
  }[];
  versions: {
    version: number;
    eventType: string;
    source?: { kind: string; dealId?: string };
    effectiveDate?: string;
    recordedAt: string;
  }[];
}
interface Schedule {
  contractId: string;
  currency: string;
  term: { startDate: string; endDate: string };
  documents: ScheduledDocument[];
}

export function ContractPage({ route }: { route: Route }) {
  const id = route.params.get('id') ?? '';
  const [input, setInput] = useState(id);
  const { data, error, loading } = useLoad(id || undefined, async () => {
    const path = `subscriptions/v1/contracts/${encodeURIComponent(id)}`;
    const [contract, schedule] = await Promise.all([
      api<Contract>(path),
      api<Schedule>(`${path}/billing-schedule`),
    ]);
    return { contract, schedule };
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim()) navigate('contract', { id: input.trim() });
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Contract
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput
            label="Contract id"
            value={input}
            onChange={(event) => setInput(event.currentTarget.value)}
            w={380}
          />
          <Button type="submit">Show contract</Button>
        </Group>
      </form>
      <ErrorAlert error={error} title="No contract" />
      {loading && !data && <Loading what="the contract" />}
      {data && (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">
                Account
              </Text>
              <Text>{data.contract.account?.name ?? data.contract.accountId}</Text>
              <Text size="xs">{data.contract.accountId}</Text>
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">
                Status
              </Text>
              <StatusBadge status={data.contract.status} /> <Text span>version {data.contract.version}</Text>
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">
                Term
              </Text>
              <Text>
                {data.contract.term.startDate} – {data.contract.term.endDate}
              </Text>
              <Text size="xs">
                {data.contract.term.billingFrequency},{' '}
                {data.contract.term.autoRenew ? 'renews automatically' : 'no automatic renewal'}
              </Text>
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">
                Journey
              </Text>
              <a href={href('journey', { id: data.contract.contractId })}>Follow the contract's journey</a>
            </Card>
          </SimpleGrid>
          <Table fz="sm" withTableBorder>
            <caption style={{ textAlign: 'left', captionSide: 'top' }}>Versions</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Effective</Table.Th>
                <Table.Th>Recorded</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.contract.versions.map((version) => (
                <Table.Tr key={version.version}>
                  <Table.Td>{version.version}</Table.Td>
                  <Table.Td>{version.eventType}</Table.Td>
                  <Table.Td>
                    {version.source?.kind === 'deal' ? (
                      <a href={href('journey', { id: version.source.dealId ?? '' })}>
                        deal {version.source.dealId}
                      </a>
                    ) : (
                      'automatic renewal'
                    )}
                  </Table.Td>
                  <Table.Td>{version.effectiveDate ?? ''}</Table.Td>
                  <Table.Td>{when(version.recordedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <ScheduleTable
            documents={data.schedule.documents}
            caption={`Billing schedule: every document of the term ${data.schedule.term.startDate} – ${data.schedule.term.endDate} and the first renewal, before tax`}
          />
        </>
      )}
    </Stack>
  );
}
