import { Alert, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, describeError, useLoad } from '../api';
import { ErrorAlert } from '../components';
import { type Route } from '../router';

interface Entry {
  sku: string;
  version: number;
  name: string;
  chargeType: 'recurring' | 'one_time';
  defaultPricePeriod?: 'month' | 'year';
  provisioning?: { licenseProduct: string; seatsPerUnit: number; features: string[] };
}

export function CatalogPage({ route }: { route: Route }) {
  const catalog = useLoad('catalog', () => api<{ items: Entry[] }>('deals/v1/catalog'));
  const [form, setForm] = useState({
    sku: route.params.get('sku') ?? '',
    name: '',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
    licenseProduct: '',
    seatsPerUnit: '1',
    features: '',
  });
  const [saved, setSaved] = useState<Entry>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof form) => (value: string | null) =>
    setForm((current) => ({ ...current, [name]: value ?? '' }));
  const edit = (entry: Entry) =>
    setForm({
      sku: entry.sku,
      name: entry.name,
      chargeType: entry.chargeType,
      defaultPricePeriod: entry.defaultPricePeriod ?? '',
      licenseProduct: entry.provisioning?.licenseProduct ?? '',
      seatsPerUnit: String(entry.provisioning?.seatsPerUnit ?? 1),
      features: entry.provisioning?.features.join(', ') ?? '',
    });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const body = {
        name: form.name,
        chargeType: form.chargeType,
        ...(form.chargeType === 'recurring' && form.defaultPricePeriod
          ? { defaultPricePeriod: form.defaultPricePeriod }
          : {}),
        ...(form.licenseProduct
          ? {
              provisioning: {
                licenseProduct: form.licenseProduct,
                seatsPerUnit: Number.parseInt(form.seatsPerUnit, 10),
                features: form.features
                  .split(',')
                  .map((feature) => feature.trim())
                  .filter(Boolean),
              },
            }
          : {}),
      };
      setSaved(
        await api<Entry>(`deals/v1/catalog/${encodeURIComponent(form.sku.trim())}`, { method: 'PUT', body }),
      );
      catalog.reload();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Catalog
      </Title>
      <Card withBorder>
        <form onSubmit={(event) => void submit(event)} aria-label="Catalog entry">
          <Stack gap="sm">
            <Text fw={600}>
              Add an entry, or make a new version of one (deals accepted before keep theirs)
            </Text>
            <Group align="flex-end">
              <TextInput
                label="SKU"
                value={form.sku}
                onChange={(e) => set('sku')(e.currentTarget.value)}
                required
                w={160}
              />
              <TextInput
                label="Name"
                value={form.name}
                onChange={(e) => set('name')(e.currentTarget.value)}
                required
                w={220}
              />
              <Select
                label="Charge type"
                w={140}
                value={form.chargeType}
                onChange={set('chargeType')}
                allowDeselect={false}
                data={[
                  { value: 'recurring', label: 'recurring' },
                  { value: 'one_time', label: 'one time' },
                ]}
              />
              <Select
                label="Default price period"
                w={170}
                value={form.defaultPricePeriod || null}
                onChange={set('defaultPricePeriod')}
                clearable
                disabled={form.chargeType !== 'recurring'}
                data={['year', 'month']}
              />
            </Group>
            <Group align="flex-end">
              <TextInput
                label="Licence product (optional)"
                value={form.licenseProduct}
                onChange={(e) => set('licenseProduct')(e.currentTarget.value)}
                w={200}
              />
              <TextInput
                label="Seats per unit"
                value={form.seatsPerUnit}
                onChange={(e) => set('seatsPerUnit')(e.currentTarget.value)}
                w={130}
              />
              <TextInput
                label="Features (comma-separated)"
                value={form.features}
                onChange={(e) => set('features')(e.currentTarget.value)}
                w={240}
              />
              <Button type="submit" loading={busy}>
                Save entry
              </Button>
            </Group>
          </Stack>
        </form>
        {saved && (
          <Alert color="teal" mt="sm" title="Saved" role="status">
            {saved.sku} is at version {saved.version}. Replay the deals that were rejected for it from the
            exception queue.
          </Alert>
        )}
        {error && (
          <Alert color="red" mt="sm" title="Not saved" role="alert" style={{ whiteSpace: 'pre-line' }}>
            {error}
          </Alert>
        )}
      </Card>
      <ErrorAlert error={catalog.error} />
      {catalog.data && (
        <Table fz="sm" withTableBorder>
          <caption style={{ textAlign: 'left', captionSide: 'top' }}>Current entries</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SKU</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Charge</Table.Th>
              <Table.Th>Licence</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {catalog.data.items.map((entry) => (
              <Table.Tr key={entry.sku}>
                <Table.Td>{entry.sku}</Table.Td>
                <Table.Td>{entry.name}</Table.Td>
                <Table.Td>{entry.version}</Table.Td>
                <Table.Td>
                  {entry.chargeType}
                  {entry.defaultPricePeriod ? ` per ${entry.defaultPricePeriod}` : ''}
                </Table.Td>
                <Table.Td>
                  {entry.provisioning
                    ? `${entry.provisioning.licenseProduct}, ${entry.provisioning.seatsPerUnit} seat(s) per unit`
                    : ''}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => edit(entry)}
                    aria-label={`Edit ${entry.sku}`}
                  >
                    Edit
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
