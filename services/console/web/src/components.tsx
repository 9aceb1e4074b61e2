import { Alert, Anchor, Badge, Button, Code, Group, Loader, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { describeError, formatMinor } from './api';
import { href } from './router';

export function ErrorAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert" style={{ whiteSpace: 'pre-line' }}>
      {describeError(error)}
    </Alert>
  );
}

export function Loading({ what }: { what: string }) {
  return <Loader size="sm" aria-label={`Loading ${what}`} />;
}

const STATUS_COLORS: Record<string, string> = {
  accepted: 'teal',
  replayed: 'teal',
  paid: 'teal',
  delivered: 'teal',
  finished: 'teal',
  done: 'teal',
  active: 'teal',
  issued: 'blue',
  open: 'blue',
  held: 'yellow',
  waiting: 'yellow',
  pending: 'yellow',
  running: 'yellow',
  overdue: 'orange',
  rejected: 'red',
  stuck: 'red',
  dead: 'red',
  failed: 'red',
  cancelled: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light">
      {status}
    </Badge>
  );
}

export function Money({ value }: { value: { amountMinor: string; currency: string } | undefined }) {
  return <>{value ? formatMinor(value.amountMinor, value.currency) : ''}</>;
}

/** A deal's reason: the field it points at and what is wrong, in words. */
export function ReasonText({ reason }: { reason: string }) {
  const match = /^([A-Za-z0-9_.[\]-]+): (.+)$/s.exec(reason);
  if (!match) return <Text size="sm">{reason}</Text>;
  // The usual fix of an unknown SKU is a catalog entry: offer it where the reason is read.
  const unknownSku = /^unknown SKU (\S+)$/.exec(match[2]!);
  return (
    <Text size="sm">
      <Code>{match[1]}</Code> {match[2]}
      {unknownSku && (
        <>
          {' '}
          <Anchor href={href('catalog', { sku: unknownSku[1]! })} size="sm">
            Add {unknownSku[1]} to the catalog
          </Anchor>
        </>
      )}
    </Text>
  );
}

export interface ScheduledDocument {
  key: string;
  kind: 'invoice' | 'credit_note';
  date: string;
  dueDate: string;
  contractVersion: number;
  change: { kind: string; id: string };
  lines: {
    chargeId: string;
    sku: string;
    servicePeriod: { start: string; end: string };
    amount: { amountMinor: string; currency: string };
    tax?: { amountMinor: string; currency: string };
    explanation: { rule: string; formula: string; quantity: number; days?: number; nominalDays?: number };
  }[];
  total?: { amountMinor: string; currency: string };
}

/** Documents of a schedule or a preview, every line with its explanation and its origin. */
export function ScheduleTable({ documents, caption }: { documents: ScheduledDocument[]; caption: string }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped withTableBorder fz="sm">
        <caption style={{ textAlign: 'left', captionSide: 'top' }}>{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Document</Table.Th>
            <Table.Th>Line</Table.Th>
            <Table.Th>Service period</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Explanation</Table.Th>
            <Table.Th>Origin</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {documents.flatMap((document) =>
            document.lines.map((line, index) => (
              <Table.Tr key={`${document.key}-${index}`}>
                <Table.Td>
                  {index === 0 && (
                    <>
                      <StatusBadge status={document.kind === 'invoice' ? 'invoice' : 'credit note'} />{' '}
                      {document.date}
                      <Text size="xs" c="dimmed">
                        due {document.dueDate}
                        {document.total
                          ? ` · total ${formatMinor(document.total.amountMinor, document.total.currency)}`
                          : ''}
                      </Text>
                    </>
                  )}
                </Table.Td>
                <Table.Td>{line.sku}</Table.Td>
                <Table.Td>
                  {line.servicePeriod.start} – {line.servicePeriod.end}
                </Table.Td>
                <Table.Td>
                  <Money value={line.amount} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {line.explanation.rule}: {line.explanation.formula}
                    {line.explanation.days !== undefined
                      ? ` (${line.explanation.days}/${line.explanation.nominalDays} days)`
                      : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    deal line {line.chargeId} · {document.change.kind} {document.change.id} · contract version{' '}
                    {document.contractVersion}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )),
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The pages of a list the services page with cursors: the cursor of the page shown, back, forth, and the first. */
export interface CursorPages {
  readonly cursor: string | undefined;
  readonly hasPrevious: boolean;
  readonly previous: () => void;
  readonly next: (cursor: string) => void;
  readonly first: () => void;
}

export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    hasPrevious: cursors.length > 1,
    previous: () => setCursors(cursors.slice(0, -1)),
    next: (cursor) => setCursors([...cursors, cursor]),
    first: () => setCursors([undefined]),
  };
}

/** Previous and next page buttons for `pages`, next while the service gave a `nextCursor`. */
export function PageButtons({
  pages,
  nextCursor,
}: {
  pages: CursorPages;
  nextCursor: string | null | undefined;
}) {
  return (
    <Group>
      <Button variant="default" disabled={!pages.hasPrevious} onClick={pages.previous}>
        Previous page
      </Button>
      <Button variant="default" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next page
      </Button>
    </Group>
  );
}
