#!/usr/bin/env node
// npm run compose:init [-- --force] [-- --observability] [-- --file <path>]
// Writes the .env that docker-compose.yml reads: fresh secrets, readable by their owner only (mode 600).
// An existing file is left alone unless --force; docker compose refuses to start without one.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The variables of a new .env, each with the comment written above it. */
function freshSecrets(randomBytes = crypto.randomBytes) {
  const signingKey = crypto
    .generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
  return [
    ['ADMIN_TOKEN', randomBytes(32).toString('hex'), 'bearer token of every operations endpoint'],
    [
      'DEALS_WEBHOOK_SECRETS',
      `whsec_${randomBytes(24).toString('base64')}`,
      'Standard Webhooks secret the CRM signs deals with; give it to the CRM (several: space-separated)',
    ],
    ['PROVISIONING_SIGNING_KEY', signingKey, 'Ed25519 private key (PKCS#8 DER, base64) that signs licences'],
    ['POSTGRES_PASSWORD', randomBytes(24).toString('hex'), 'password of the o2c PostgreSQL user'],
    [
      'GRAFANA_ADMIN_PASSWORD',
      randomBytes(18).toString('hex'),
      "Grafana's admin password (observability profile)",
    ],
  ];
}

function render(entries, observability) {
  const lines = [
    '# Written by `npm run compose:init`: secrets of this docker compose installation. Keep it private (mode 600),',
    '# never commit it (.gitignore has it). Regenerate with `npm run compose:init -- --force`.',
  ];
  for (const [name, value, comment] of entries) lines.push('', `# ${comment}`, `${name}=${value}`);
  lines.push(
    '',
    '# The observability profile (collector, Prometheus, Grafana, Jaeger) and where the services send OTLP.',
  );
  if (observability) {
    lines.push('COMPOSE_PROFILES=observability', 'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318');
  } else {
    lines.push(
      '# COMPOSE_PROFILES=observability',
      '# OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318',
    );
  }
  return `${lines.join('\n')}\n`;
}

function parseArgs(argv) {
  const options = { force: false, observability: false, file: path.join(__dirname, '..', '.env') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') options.force = true;
    else if (arg === '--observability') options.observability = true;
    else if (arg === '--file' && argv[i + 1]) options.file = path.resolve(argv[++i]);
    else
      throw new Error(
        `unknown argument ${arg}; usage: compose-init [--force] [--observability] [--file <path>]`,
      );
  }
  return options;
}

/** Writes the file; returns false (and writes nothing) when it exists and force is not set. */
function writeEnvFile({ file, force, observability }) {
  if (fs.existsSync(file) && !force) return false;
  const content = render(freshSecrets(), observability);
  // Written under a temporary name with mode 600 from the start, then renamed: never readable by others.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return true;
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    if (writeEnvFile(options)) {
      console.log(
        `wrote ${options.file} (mode 600): ADMIN_TOKEN, DEALS_WEBHOOK_SECRETS, PROVISIONING_SIGNING_KEY,`,
      );
      console.log('POSTGRES_PASSWORD, GRAFANA_ADMIN_PASSWORD. Next: docker compose up -d --build');
    } else {
      console.log(
        `${options.file} exists and is kept; \`npm run compose:init -- --force\` makes new secrets`,
      );
      console.log(
        '(a new POSTGRES_PASSWORD does not change the password of an existing postgres-data volume).',
      );
    }
  } catch (error) {
    console.error(`compose-init: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}

module.exports = { freshSecrets, render, parseArgs, writeEnvFile };
