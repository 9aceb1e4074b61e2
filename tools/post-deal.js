// Posts a deal to the deals service, signed as Standard Webhooks says:
//   node tools/post-deal.js <file.json> [base url]   (secret from DEALS_WEBHOOK_SECRETS, the first one)
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { Webhook } = require('standardwebhooks');

async function main() {
  const [file, baseUrl = 'http://127.0.0.1:3001'] = process.argv.slice(2);
  const secret = (process.env.DEALS_WEBHOOK_SECRETS ?? '').split(' ')[0];
  if (!file || !secret)
    throw new Error('usage: DEALS_WEBHOOK_SECRETS=whsec_... node tools/post-deal.js <file.json> [base url]');
  const body = readFileSync(file, 'utf8');
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const response = await fetch(`${baseUrl}/v1/webhooks/deals`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    },
    body,
  });
  console.log(`${response.status} ${await response.text()}`);
  if (response.status >= 400) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
