#!/usr/bin/env python3
"""Publishes one Herald notification straight to Kafka with confluent-kafka (librdkafka), docs/producers.md.

usage: publish.py <bootstrap-servers> <topic> <channel> <type> '<data JSON object>'
prints {"id","channel","partition","offset"} once Kafka acknowledged the record
"""
import json
import sys
import time
import uuid

from confluent_kafka import Producer


def main(bootstrap, topic, channel, type_, data):
    producer = Producer({
        'bootstrap.servers': bootstrap,
        # librdkafka's default, consistent_random, hashes the key with CRC32: another partition than Java's
        # murmur2 for most channels. murmur2_random is Java's default partitioner, the partition Herald expects.
        'partitioner': 'murmur2_random',
        'enable.idempotence': True,  # implies acks=all: no duplicate, no reordering on a retried send
        'acks': 'all',
    })
    envelope = {
        'id': str(uuid.uuid4()),  # your idempotency key: clients can drop a notification they already have by id
        'channel': channel,
        'type': type_,
        'data': json.loads(data),
        'createdAt': int(time.time() * 1000),
        'expiresAt': None,
    }
    delivered = {}

    def on_delivery(error, message):
        delivered['error'] = error
        delivered['message'] = message

    producer.produce(topic, key=channel.encode('utf-8'),
                     value=json.dumps(envelope, separators=(',', ':')).encode('utf-8'), on_delivery=on_delivery)
    if producer.flush(30) > 0 or delivered.get('error') is not None or 'message' not in delivered:
        sys.exit('not delivered: %s' % delivered.get('error', 'no acknowledgement within 30 s'))
    message = delivered['message']
    print(json.dumps({'id': envelope['id'], 'channel': channel, 'partition': message.partition(),
                      'offset': message.offset()}))


if __name__ == '__main__':
    main(*sys.argv[1:6])
