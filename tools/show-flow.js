// Prints what o2c made of one account's deals: the events on the subscription and licence topics.
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
  await consumer.subscribe({ topics: ['o2c.subscriptions.v1', 'o2c.licenses.v1'], fromBeginning: true });
  const wanted = ['o2c.subscription.activated.v1', 'o2c.license.provisioned.v1'];
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
        latest.set(type, { topic, data: JSON.parse(message.value.toString()) });
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
    if (event) console.log(`\n${event.topic}  ${type}\n${JSON.stringify(event.data, null, 2)}`);
  }
  await consumer.disconnect();
  const missing = wanted.filter((type) => !latest.has(type));
  if (missing.length > 0) {
    console.error(`not seen within ${seconds}s: ${missing.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
