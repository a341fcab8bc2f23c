// Publishes one Herald notification straight to Kafka with kafkajs (docs/producers.md).
// usage: node publish.mjs <bootstrap-servers> <topic> <channel> <type> '<data JSON object>'
// prints {"id","channel","partition","offset"} once Kafka acknowledged the record
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const [bootstrap, topic, channel, type, data] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'herald-example-node', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
const producer = kafka.producer({
  // kafkajs 2.x: DefaultPartitioner is Java-compatible (murmur2 of the key), the partition Herald expects.
  // kafkajs 1.x: use Partitioners.JavaCompatiblePartitioner; never LegacyPartitioner.
  createPartitioner: Partitioners.DefaultPartitioner,
  idempotent: true,         // no duplicate on a retried send (needs acks: -1)
  maxInFlightRequests: 1,   // kafkajs's idempotence keeps order only with one request in flight
});

const envelope = {
  id: randomUUID(),         // your idempotency key: clients can drop a notification they already have by id
  channel,
  type,
  data: JSON.parse(data),
  createdAt: Date.now(),
  expiresAt: null,
};

await producer.connect();
try {
  const [sent] = await producer.send({
    topic,
    acks: -1,               // all in-sync replicas
    messages: [{ key: channel, value: JSON.stringify(envelope) }],
  });
  console.log(JSON.stringify({ id: envelope.id, channel, partition: sent.partition, offset: Number(sent.baseOffset) }));
} finally {
  await producer.disconnect();
}
