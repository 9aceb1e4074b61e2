import {
  Alert,
  Button,
  Card,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, describeError, formatMinor, openPdf, toMinor, useLoad, when } from '../api';
import { ErrorAlert, Loading, Money, PageButtons, StatusBadge, useCursorPages } from '../components';
import { navigate, type Route } from '../router';

type Kind = 'invoice' | 'credit_note';
interface MoneyValue {
  amountMinor: string;
  currency: string;
}
interface Document {
  documentId: string;
  number: string;
  issueDate: string;
  dueDate?: string;
  accountId: string;
  contractId: string;
  currency: string;
  buyer: { name: string };
  total: MoneyValue;
  status: string;
  amountDueMinor?: string;
  lines: {
    lineNumber: number;
    description: string;
    amount: MoneyValue;
    tax: MoneyValue;
    explanation: { formula?: string };
  }[];
}
interface Payments {
  status: string;
  total: MoneyValue;
  amountPaid: MoneyValue;
  amountCredited: MoneyValue;
  amountDue: MoneyValue;
  items: {
    paymentId: string;
    amount: MoneyValue;
    paymentDate: string;
    reference: string;
    recordedAt: string;
  }[];
  credits: { creditNoteId: string; number: string; issueDate: string; amount: MoneyValue }[];
}

const listOf = (kind: Kind) => (kind === 'invoice' ? 'invoices' : 'credit-notes');
const FILTERS = ['status', 'accountId', 'contractId', 'from', 'to'] as const;

function PaymentForm({ invoice, onRecorded }: { invoice: Document; onRecorded: () => void }) {
  const due = invoice.amountDueMinor ?? '0';
  const [amount, setAmount] = useState(formatMinor(due, invoice.currency).split(' ')[0]!.replace(/,/g, ''));
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const amountMinor = toMinor(amount, invoice.currency);
    if (amountMinor === undefined) {
      setError(`${amount} is no amount in ${invoice.currency}`);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api(`invoicing/v1/invoices/${invoice.documentId}/payments`, {
        body: {
          amount: { amountMinor, currency: invoice.currency },
          paymentDate: date,
          reference,
          idempotencyKey: crypto.randomUUID(),
        },
      });
      onRecorded();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Record a payment">
      <Group align="flex-end">
        <TextInput
          label={`Amount (${invoice.currency})`}
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          required
          w={140}
        />
        <TextInput
          label="Payment date"
          type="date"
          value={date}
          onChange={(e) => setDate(e.currentTarget.value)}
          required
          w={160}
        />
        <TextInput
          label="Reference"
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
          required
          w={200}
        />
        <Button type="submit" loading={busy}>
          Record payment
        </Button>
      </Group>
      {error && (
        <Alert
          color="red"
          mt="sm"
          title="Payment not recorded"
          role="alert"
          style={{ whiteSpace: 'pre-line' }}
        >
          {error}
        </Alert>
      )}
    </form>
  );
}

function DocumentDetail({ kind, id, onChanged }: { kind: Kind; id: string; onChanged: () => void }) {
  const { data, error, reload } = useLoad(`${kind}:${id}`, async () => {
    const document = await api<Document>(`invoicing/v1/${listOf(kind)}/${id}`);
    const payments =
      kind === 'invoice' ? await api<Payments>(`invoicing/v1/invoices/${id}/payments`) : undefined;
    return { document, payments };
  });
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Loading what="the document" />;
  const { document, payments } = data;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {kind === 'invoice' ? 'Invoice' : 'Credit note'} {document.number}{' '}
            <StatusBadge status={document.status} />
          </Title>
          <Button variant="light" onClick={() => void openPdf(`invoicing/v1/${listOf(kind)}/${id}/pdf`)}>
            Open the PDF
          </Button>
        </Group>
        <Text size="sm">
          {document.buyer.name} ({document.accountId}), contract {document.contractId}; issued{' '}
          {document.issueDate}
          {document.dueDate ? `, due ${document.dueDate}` : ''}; total <Money value={document.total} />
        </Text>
        <Table fz="sm">
          <Table.Tbody>
            {document.lines.map((line) => (
              <Table.Tr key={line.lineNumber}>
                <Table.Td>{line.description}</Table.Td>
                <Table.Td>
                  <Money value={line.amount} />
                </Table.Td>
                <Table.Td>
                  tax <Money value={line.tax} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{line.explanation.formula}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {payments && (
          <>
            <Text size="sm" fw={600}>
              Paid <Money value={payments.amountPaid} />, credited <Money value={payments.amountCredited} />,
              due <Money value={payments.amountDue} />
            </Text>
            {(payments.items.length > 0 || payments.credits.length > 0) && (
              <Table fz="sm" withTableBorder>
                <caption style={{ textAlign: 'left', captionSide: 'top' }}>What settled it</caption>
                <Table.Tbody>
                  {payments.items.map((payment) => (
                    <Table.Tr key={payment.paymentId}>
                      <Table.Td>payment {payment.reference}</Table.Td>
                      <Table.Td>{payment.paymentDate}</Table.Td>
                      <Table.Td>
                        <Money value={payment.amount} />
                      </Table.Td>
                      <Table.Td>recorded {when(payment.recordedAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                  {payments.credits.map((credit) => (
                    <Table.Tr key={credit.creditNoteId}>
                      <Table.Td>credit note {credit.number}</Table.Td>
                      <Table.Td>{credit.issueDate}</Table.Td>
                      <Table.Td>
                        <Money value={credit.amount} />
                      </Table.Td>
                      <Table.Td />
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {payments.amountDue.amountMinor !== '0' && (
              <PaymentForm
                invoice={document}
                onRecorded={() => {
                  reload();
                  onChanged();
                }}
              />
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

export function DocumentsPage({ route }: { route: Route }) {
  const kind: Kind = route.params.get('kind') === 'credit_note' ? 'credit_note' : 'invoice';
  const openId = route.params.get('id') ?? undefined;
  const filters = Object.fromEntries(FILTERS.map((name) => [name, route.params.get(name) ?? '']));
  const [form, setForm] = useState(filters);
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const query = new URLSearchParams({ limit: '25' });
  for (const name of FILTERS) if (filters[name]) query.set(name, filters[name]);
  if (cursor) query.set('cursor', cursor);
  const { data, error, loading, reload } = useLoad(`${kind}?${query.toString()}`, () =>
    api<{ items: Document[]; nextCursor: string | null }>(`invoicing/v1/${listOf(kind)}?${query.toString()}`),
  );
  const go = (params: Record<string, string>) =>
    navigate(
      'documents',
      Object.fromEntries(Object.entries<string>({ kind, ...params }).filter(([, value]) => value !== '')),
    );
  const search = (event: FormEvent) => {
    event.preventDefault();
    go(form);
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Invoices &amp; credit notes
      </Title>
      <SegmentedControl
        aria-label="Kind"
        w={300}
        value={kind}
        onChange={(value) => navigate('documents', { kind: value })}
        data={[
          { value: 'invoice', label: 'Invoices' },
          { value: 'credit_note', label: 'Credit notes' },
        ]}
      />
      <form onSubmit={search} aria-label="Filters">
        <Group align="flex-end">
          <Select
            label="Status"
            w={130}
            clearable
            value={form.status || null}
            onChange={(value) => setForm({ ...form, status: value ?? '' })}
            data={kind === 'invoice' ? ['open', 'overdue', 'paid'] : ['issued']}
          />
          <TextInput
            label="Account"
            w={170}
            value={form.accountId}
            onChange={(e) => setForm({ ...form, accountId: e.currentTarget.value })}
          />
          <TextInput
            label="Contract"
            w={170}
            value={form.contractId}
            onChange={(e) => setForm({ ...form, contractId: e.currentTarget.value })}
          />
          <TextInput
            label="Issued from"
            type="date"
            w={150}
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.currentTarget.value })}
          />
          <TextInput
            label="Issued to"
            type="date"
            w={150}
            value={form.to}
            onChange={(e) => setForm({ ...form, to: e.currentTarget.value })}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {openId && <DocumentDetail kind={kind} id={openId} onChanged={reload} />}
      <ErrorAlert error={error} />
      {loading && !data && <Loading what="documents" />}
      {data && (
        <Table.ScrollContainer minWidth={900}>
          <Table fz="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Contract</Table.Th>
                <Table.Th>Total</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((document) => (
                <Table.Tr key={document.documentId}>
                  <Table.Td>{document.number}</Table.Td>
                  <Table.Td>{document.issueDate}</Table.Td>
                  <Table.Td>{document.buyer.name}</Table.Td>
                  <Table.Td>{document.contractId}</Table.Td>
                  <Table.Td>
                    <Money value={document.total} />
                  </Table.Td>
                  <Table.Td>
                    {document.amountDueMinor !== undefined
                      ? formatMinor(document.amountDueMinor, document.currency)
                      : ''}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={document.status} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Open ${document.number}`}
                      onClick={() => go({ ...filters, id: document.documentId })}
                    >
                      Open
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data && data.items.length === 0 && <Text>Nothing matches.</Text>}
      <PageButtons pages={pages} nextCursor={data?.nextCursor} />
    </Stack>
  );
}
