import { Alert, Button, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { api, ApiError, describeError, formatMinor } from '../api';
import { type ScheduledDocument, ScheduleTable } from '../components';

interface Preview {
  dealId: string;
  kind: string;
  currency: string;
  effectiveDate: string;
  term?: { startDate: string; endDate: string; autoRenew: boolean };
  tax: { ratePercent: string; reverseCharge: boolean; customerCountry: string };
  documents: ScheduledDocument[];
  net?: { amountMinor: string; currency: string };
}

const SAMPLE = {
  id: 'PREVIEW-1',
  revision: 1,
  kind: 'new',
  closedAt: '2026-11-30T10:00:00Z',
  account: { id: 'ACC-PREVIEW', name: 'Acme GmbH', country: 'DE' },
  currency: 'EUR',
  terms: {
    startDate: '2027-01-01',
    termMonths: 12,
    billingFrequency: 'quarterly',
    paymentTermsDays: 30,
    autoRenew: true,
  },
  lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 20, unitPrice: '600.00' }],
};

export function PreviewPage() {
  const [text, setText] = useState(JSON.stringify(SAMPLE, null, 2));
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setPreview(undefined);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (failure) {
        throw new Error(`Not JSON: ${(failure as Error).message}`);
      }
      const body =
        typeof parsed === 'object' && parsed !== null && 'deal' in parsed
          ? parsed
          : { type: 'deal.closed_won', deal: parsed };
      setPreview(await api<Preview>('deals/v1/deals/preview', { body }));
    } catch (failure) {
      const reasons = failure instanceof ApiError ? (failure.problem.reasons ?? []) : [];
      setError(
        [describeError(failure), ...reasons.filter((r) => !describeError(failure).includes(r))].join('\n'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Preview a deal
      </Title>
      <Text size="sm">
        Paste a deal as the CRM would send it (the webhook's body, or just its deal): every document of its
        term and the first renewal, with tax. Nothing is stored.
      </Text>
      <Textarea
        label="Deal JSON"
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        autosize
        minRows={8}
        maxRows={16}
        styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
      />
      <Group>
        <Button onClick={() => void run()} loading={busy}>
          Preview
        </Button>
      </Group>
      {error && (
        <Alert color="red" title="Cannot preview" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </Alert>
      )}
      {preview && (
        <>
          <Text>
            {preview.kind} deal {preview.dealId}, effective {preview.effectiveDate}
            {preview.term ? `, term ${preview.term.startDate} – ${preview.term.endDate}` : ''}; tax{' '}
            {preview.tax.ratePercent} %{preview.tax.reverseCharge ? ' (reverse charge)' : ''}
            {preview.net ? `; net ${formatMinor(preview.net.amountMinor, preview.net.currency)}` : ''}
          </Text>
          <ScheduleTable documents={preview.documents} caption={`${preview.documents.length} documents`} />
        </>
      )}
    </Stack>
  );
}
