// Segmenter's wire format through clients it did not write: kafkajs and @kafkajs/confluent-schema-registry with their
// default options (the only addition is kafkajs-lz4, because the silo's outputs are lz4-compressed and kafkajs has no
// LZ4 codec of its own). Run by Tests/Interop/KafkaJsInteropTests.cs:
//
//   node interop.js <config.json>
//
// config: { bootstrap, registry, eventsTopic, sessionEventsTopic, sessionsTopic, keySchemaFile, valueSchemaFile,
//           events: [{ device, event, name?, value?, timestamp }], expectedSessionEvents, expectedSessions, timeoutMs, out }
//
// It registers the demo's schemas (the value without `seq`) under the topic's subjects, produces every event keyed by
// the Avro Device, one at a time and in order, then reads both output topics from the beginning through a consumer
// group until the expected number of records arrived, decoding keys and values through the registry. Everything it
// learns goes to `out` as JSON lines: {"kind": "registered" | "produced" | "consumed", ...}. Exit code 0 when done,
// 1 with the reason on stderr otherwise (a refused registration, a timeout, an undecodable record).
'use strict';

const fs = require('fs');
const { Kafka, CompressionTypes, CompressionCodecs } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const LZ4Codec = require('kafkajs-lz4');

CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = fs.openSync(config.out, 'w');
const write = (line) => fs.writeSync(out, JSON.stringify(line) + '\n');

// avsc writes a union of records wrapped in the branch's full name.
function envelope(e) {
  const branch = e.event === 'DataReceived'
    ? { 'events.DataReceived': { name: e.name, value: e.value } }
    : { [`events.${e.event}`]: {} };
  return { event: branch, timestamp: e.timestamp };
}

// JSON has no 64-bit integers or buffers: decoded values are printed with longs as numbers and bytes as base64.
function plain(value) {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

async function main() {
  const registry = new SchemaRegistry({ host: config.registry });
  const schema = (file) => ({ type: SchemaType.AVRO, schema: fs.readFileSync(file, 'utf8') });
  const key = await registry.register(schema(config.keySchemaFile), { subject: `${config.eventsTopic}-key` });
  const value = await registry.register(schema(config.valueSchemaFile), { subject: `${config.eventsTopic}-value` });
  write({ kind: 'registered', keyId: key.id, valueId: value.id });

  const kafka = new Kafka({ clientId: 'segmenter-interop', brokers: [config.bootstrap] });
  const producer = kafka.producer();
  await producer.connect();
  for (const e of config.events) {
    const [metadata] = await producer.send({
      topic: config.eventsTopic,
      messages: [{
        key: await registry.encode(key.id, { id: e.device }),
        value: await registry.encode(value.id, envelope(e)),
        timestamp: String(e.timestamp),
      }],
    });
    write({ kind: 'produced', device: e.device, event: e.event, partition: metadata.partition, offset: Number(metadata.baseOffset) });
  }
  await producer.disconnect();

  const expected = { [config.sessionEventsTopic]: config.expectedSessionEvents, [config.sessionsTopic]: config.expectedSessions };
  const seen = { [config.sessionEventsTopic]: 0, [config.sessionsTopic]: 0 };
  const consumer = kafka.consumer({ groupId: `segmenter-interop-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [config.sessionEventsTopic, config.sessionsTopic], fromBeginning: true });
  let failure = null;
  const complete = new Promise((resolve) => {
    const check = () => seen[config.sessionEventsTopic] >= expected[config.sessionEventsTopic] && seen[config.sessionsTopic] >= expected[config.sessionsTopic];
    consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const headers = Object.fromEntries(Object.entries(message.headers || {}).map(([k, v]) => [k, v === undefined ? null : v.toString()]));
          write({
            kind: 'consumed', topic, partition, offset: Number(message.offset),
            key: plain(await registry.decode(message.key)),
            value: plain(await registry.decode(message.value)),
            headers,
          });
        } catch (error) {
          failure = new Error(`cannot decode ${topic}-${partition}@${message.offset}: ${error.message}`);
          resolve();
          return;
        }
        seen[topic] += 1;
        if (check()) resolve();
      },
    }).catch((error) => { failure = error; resolve(); });
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, config.timeoutMs).unref());
  await Promise.race([complete, timeout]);
  await consumer.disconnect();
  if (failure) throw failure;
  if (seen[config.sessionEventsTopic] < expected[config.sessionEventsTopic] || seen[config.sessionsTopic] < expected[config.sessionsTopic]) {
    throw new Error(`timed out after ${config.timeoutMs} ms: read ${JSON.stringify(seen)} of ${JSON.stringify(expected)}`);
  }
}

main().then(
  () => { fs.closeSync(out); process.exit(0); },
  (error) => { console.error(`interop failed: ${error.stack || error}`); process.exit(1); });
