// Prints what o2c made of one account's deals: its contract, its invoices and its licence, from their topics.
//   node tools/show-flow.js <account id> [seconds to wait, default 30]
const { randomUUID } = require('node:crypto');
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [accountId, seconds = '30'] = process.argv.slice(2);
  if (!accountId) throw new Error('usage: node tools/show-flow.js <account id> [seconds]');
  const kafka = new Kafka({
    clientId: 'o2c-show-flow',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `o2c-show-flow-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({
    topics: ['o2c.subscriptions.v1', 'o2c.invoices.v1', 'o2c.licenses.v1'],
    fromBeginning: true,
  });
  const wanted = ['o2c.subscription.activated.v1', 'o2c.invoice.issued.v1', 'o2c.license.provisioned.v1'];
  const invoices = [];
  const latest = new Map();
  // Read to the end of what is there (the newest event of each type wins), then print.
  await new Promise((resolve) => {
    const deadline = setTimeout(resolve, Number(seconds) * 1000);
    let idle;
    consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (message.key?.toString() !== accountId) return;
        const type = message.headers?.ce_type?.toString();
        if (!wanted.includes(type)) return;
        const data = JSON.parse(message.value.toString());
        if (type === 'o2c.invoice.issued.v1') invoices.push(data);
        latest.set(type, { topic, data });
        if (latest.size === wanted.length) {
          clearTimeout(idle);
          idle = setTimeout(() => {
            clearTimeout(deadline);
            resolve();
          }, 3000);
        }
      },
    });
  });
  for (const type of wanted) {
    const event = latest.get(type);
    if (!event) continue;
    if (type === 'o2c.invoice.issued.v1') {
      for (const invoice of invoices) printInvoice(invoice);
      continue;
    }
    console.log(`\n${event.topic}  ${type}\n${JSON.stringify(event.data, null, 2)}`);
  }
  await consumer.disconnect();
  const missing = wanted.filter((type) => !latest.has(type));
  if (missing.length > 0) {
    console.error(`not seen within ${seconds}s: ${missing.join(', ')}`);
    process.exitCode = 1;
  }
}

function money({ amountMinor, currency }) {
  const decimals = { JPY: 0, KWD: 3, BHD: 3 }[currency] ?? 2;
  const text = amountMinor.padStart(decimals + 1, '0');
  return `${decimals ? `${text.slice(0, -decimals)}.${text.slice(-decimals)}` : text} ${currency}`;
}

function printInvoice(invoice) {
  console.log(`\no2c.invoices.v1  o2c.invoice.issued.v1  ${invoice.number}`);
  console.log(
    `  issued ${invoice.issueDate}, due ${invoice.dueDate}, to ${invoice.buyer.name} (${invoice.buyer.country})`,
  );
  for (const line of invoice.lines) {
    const period = line.servicePeriod ? ` ${line.servicePeriod.start} – ${line.servicePeriod.end}` : '';
    console.log(
      `  ${line.lineNumber}. ${line.description}${period}: ${money(line.amount)} + tax ${money(line.tax)}`,
    );
    if (line.explanation.formula) console.log(`     ${line.explanation.formula}`);
  }
  console.log(
    `  subtotal ${money(invoice.subtotal)}, tax ${money(invoice.taxTotal)}, total ${money(invoice.total)}${invoice.reverseCharge ? ' (reverse charge)' : ''}`,
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
