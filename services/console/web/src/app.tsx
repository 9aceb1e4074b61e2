import {
  Alert,
  AppShell,
  Button,
  Group,
  NavLink,
  PasswordInput,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, ApiError, describeError, forgetToken, keepToken, storedToken } from './api';
import { CatalogPage } from './pages/catalog';
import { ContractPage } from './pages/contract';
import { DocumentsPage } from './pages/documents';
import { ExceptionsPage } from './pages/exceptions';
import { JourneyPage } from './pages/journey';
import { PipelinePage } from './pages/pipeline';
import { PreviewPage } from './pages/preview';
import { RunsPage } from './pages/runs';
import { href, type Route, useRoute } from './router';

const PAGES: { page: string; label: string; render: (route: Route) => ReactNode }[] = [
  { page: 'pipeline', label: 'Pipeline', render: () => <PipelinePage /> },
  { page: 'exceptions', label: 'Exception queue', render: (route) => <ExceptionsPage route={route} /> },
  { page: 'journey', label: 'Deal journey', render: (route) => <JourneyPage route={route} /> },
  { page: 'contract', label: 'Contract', render: (route) => <ContractPage route={route} /> },
  { page: 'preview', label: 'Preview', render: () => <PreviewPage /> },
  { page: 'documents', label: 'Invoices & credit notes', render: (route) => <DocumentsPage route={route} /> },
  { page: 'runs', label: 'Runs', render: () => <RunsPage /> },
  { page: 'catalog', label: 'Catalog', render: (route) => <CatalogPage route={route} /> },
];

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // An operations read tells whether the services know the token: a 403 is a key they know without that
      // scope (docs/operations.md), whose pages show what its scopes open.
      await api('deals/v1/deals?limit=1', { token: token.trim() }).catch((failure: unknown) => {
        if (!(failure instanceof ApiError && failure.status === 403)) throw failure;
      });
      keepToken(token.trim());
      onSignedIn();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper maw={460} mx="auto" mt={80} p="xl" withBorder>
      <form onSubmit={(event) => void submit(event)}>
        <Stack>
          <Title order={1} size="h2">
            o2c operations console
          </Title>
          <Text size="sm">
            Sign in with your operations token: an API key, or ADMIN_TOKEN (the demo's is in
            .o2c/admin-token).
          </Text>
          <PasswordInput
            label="Operations token"
            value={token}
            onChange={(event) => setToken(event.currentTarget.value)}
            required
            autoFocus
          />
          {error && (
            <Alert color="red" title="Not signed in" style={{ whiteSpace: 'pre-line' }}>
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => storedToken() !== null);
  const route = useRoute();
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const active = PAGES.find((page) => page.page === route.page) ?? PAGES[0]!;
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text fw={700}>o2c operations console</Text>
          <Button
            variant="subtle"
            size="xs"
            onClick={() => {
              forgetToken();
              setSignedIn(false);
            }}
          >
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Pages">
        {PAGES.map((page) => (
          <NavLink
            key={page.page}
            href={href(page.page)}
            label={page.label}
            active={page === active}
            aria-current={page === active ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <div key={`${active.page}?${route.params.toString()}`}>{active.render(route)}</div>
      </AppShell.Main>
    </AppShell>
  );
}
