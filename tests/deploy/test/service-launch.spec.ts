import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@o2c/testing';
import { ROOT } from './support/compose';

// A service runs with the same Node flags wherever it is started; tests and the benchmark start it with
// SERVICE_NODE_FLAGS, so what they measure is what the demo, the image and `nx serve` run.
const flags = SERVICE_NODE_FLAGS.join(' ');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('how a service is started', () => {
  it('the image runs it with the flags the tests use', () => {
    expect(read('deploy/docker/service.Dockerfile')).toContain(
      `exec node ${flags} services/\${SERVICE}/dist/main.js`,
    );
  });

  it('npm run demo runs it with the same flags', () => {
    expect(read('tools/o2c.sh')).toContain(`nohup node ${flags} "services/$s/dist/main.js"`);
  });

  it.each(['deals', 'subscriptions', 'invoicing', 'provisioning'])(
    'nx serve runs %s with the same flags',
    (service) => {
      const project = JSON.parse(read(`services/${service}/project.json`)) as {
        targets: { serve: { command: string } };
      };
      expect(project.targets.serve.command).toBe(`node ${flags} dist/main.js`);
    },
  );
});
