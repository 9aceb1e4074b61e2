import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ROOT } from './support/compose';
import { ensureKubectl, type K8sObject, kustomize } from './support/kubectl';

const stages = ['dev', 'prod'] as const;
const services = ['deals', 'subscriptions', 'invoicing', 'provisioning'];

/** Secrets the stage expects to exist before it is applied (docs/operations.md), with the keys read from each. */
const externalSecrets: Record<(typeof stages)[number], Record<string, readonly string[]>> = {
  dev: {
    'o2c-secrets': ['ADMIN_TOKEN', 'DEALS_WEBHOOK_SECRETS', 'PROVISIONING_SIGNING_KEY', 'POSTGRES_PASSWORD'],
    'o2c-database': ['DATABASE_URL'],
  },
  prod: {
    'o2c-secrets': ['ADMIN_TOKEN', 'DEALS_WEBHOOK_SECRETS', 'PROVISIONING_SIGNING_KEY'],
    // Written by CloudNativePG for the Cluster o2c-db (its app user).
    'o2c-db-app': ['username', 'password'],
    'o2c-database': [],
  },
};

interface Container {
  name: string;
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string; optional?: boolean } }[];
  startupProbe?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
  };
}

interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

function podSpecOf(object: K8sObject): PodSpec | undefined {
  const template = (object.spec as { template?: { spec?: PodSpec } } | undefined)?.template;
  return template?.spec;
}

/** The CRD schemas vendored in test/schemas, by `<kind lowercase>.<group>.<version>`. */
function crdValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const dir = join(__dirname, 'schemas');
  return new Map(
    readdirSync(dir).map((file) => [
      file.replace(/\.yaml$/, ''),
      ajv.compile(parse(readFileSync(join(dir, file), 'utf8')) as object),
    ]),
  );
}

describe.each(stages)('deploy/k8s/overlays/%s', (stage) => {
  let objects: K8sObject[];

  beforeAll(() => {
    ensureKubectl();
    objects = kustomize(join(ROOT, 'deploy/k8s/overlays', stage));
  });

  it('renders with kubectl kustomize, into its own namespace', () => {
    const namespace = stage === 'prod' ? 'o2c' : 'o2c-dev';
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe(namespace);
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(`${o.kind}/${o.metadata.name} ${o.metadata.namespace}`).toBe(
        `${o.kind}/${o.metadata.name} ${namespace}`,
      );
    }
  });

  it('validates every Kubernetes object against the Kubernetes schemas, every custom one against its CRD', () => {
    const custom = objects.filter((o) => /\.(strimzi\.io|cnpg\.io)\//.test(o.apiVersion));
    const core = objects.filter((o) => !custom.includes(o));
    const problems = JSON.parse(
      execFileSync(process.execPath, [join(__dirname, 'support/validate-k8s.mjs')], {
        input: JSON.stringify(core),
        encoding: 'utf8',
        cwd: ROOT,
      }),
    ) as unknown[];
    expect(problems).toEqual([]);

    const validators = crdValidators();
    for (const o of custom) {
      const [group, version] = o.apiVersion.split('/');
      const validate = validators.get(`${o.kind.toLowerCase()}.${group}.${version}`);
      expect(`${o.kind} ${validate ? 'has' : 'has no'} vendored CRD schema`).toBe(
        `${o.kind} has vendored CRD schema`,
      );
      expect({
        object: `${o.kind}/${o.metadata.name}`,
        valid: validate!(o),
        errors: validate!.errors ?? null,
      }).toEqual({
        object: `${o.kind}/${o.metadata.name}`,
        valid: true,
        errors: null,
      });
    }
    if (stage === 'prod') {
      expect(custom.map((o) => o.kind).sort()).toEqual([
        'Cluster',
        'Kafka',
        'KafkaNodePool',
        ...Array<string>(7).fill('KafkaTopic'),
      ]);
    }
  });

  it('runs each service with the three probes, resources, as non-root on a read-only root filesystem', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...services].sort());
    for (const d of deployments) {
      const pod = podSpecOf(d)!;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      for (const c of pod.containers) {
        const ref = `${d.metadata.name}/${c.name}`;
        expect({
          ref,
          startup: !!c.startupProbe,
          liveness: !!c.livenessProbe,
          readiness: !!c.readinessProbe,
        }).toEqual({
          ref,
          startup: true,
          liveness: true,
          readiness: true,
        });
        expect(c.resources?.requests?.cpu).toBeDefined();
        expect(c.resources?.requests?.memory).toBeDefined();
        expect(c.resources?.limits?.memory).toBeDefined();
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      }
    }
  });

  it('scales each service with an HPA and protects it with a PodDisruptionBudget, consumers up to 6 partitions', () => {
    for (const s of services) {
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === s);
      const spec = hpa?.spec as {
        minReplicas: number;
        maxReplicas: number;
        scaleTargetRef: { name: string };
      };
      expect(spec.scaleTargetRef.name).toBe(s);
      expect(spec.maxReplicas).toBeLessThanOrEqual(6);
      expect(spec.minReplicas).toBe(stage === 'prod' ? 2 : 1);
      expect(objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === s)).toBe(true);
    }
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').length).toBeGreaterThan(0);
  });

  it('reads only Secrets that are rendered or that the stage documents as created beforehand, with their keys', () => {
    const rendered = new Map(
      objects
        .filter((o) => o.kind === 'Secret')
        .map((o) => [o.metadata.name, Object.keys({ ...o.data, ...o.stringData })] as const),
    );
    const known = new Map<string, readonly string[]>([
      ...Object.entries(externalSecrets[stage]),
      ...rendered,
    ]);
    const used = new Set<string>();
    for (const o of objects) {
      for (const c of podSpecOf(o)?.containers ?? []) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          used.add(ref.name);
          expect(`${ref.name}.${ref.key} ${known.get(ref.name)?.includes(ref.key) ?? false}`).toBe(
            `${ref.name}.${ref.key} true`,
          );
        }
        for (const f of c.envFrom ?? []) {
          if (!f.secretRef) continue;
          used.add(f.secretRef.name);
          expect(`${f.secretRef.name} ${known.has(f.secretRef.name)}`).toBe(`${f.secretRef.name} true`);
        }
      }
    }
    // Nothing documented that nothing reads.
    expect([...used].sort()).toEqual(Object.keys(externalSecrets[stage]).sort());
  });
});
