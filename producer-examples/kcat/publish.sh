#!/bin/sh
# Publishes one Herald notification straight to Kafka with kcat (docs/producers.md).
# usage: publish.sh <bootstrap-servers> <topic> <channel> '<envelope JSON on one line>'
# The key is the channel; the value the envelope. kcat reads one record per line, the key before the first tab.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 <bootstrap-servers> <topic> <channel> '<envelope JSON>'" >&2; exit 2; }
# partitioner=murmur2_random: Java's default partitioner (librdkafka's default, consistent_random, uses CRC32);
# acks=all and idempotence: no loss, no duplicate on a retried send. kcat exits non-zero if delivery failed.
printf '%s\t%s\n' "$3" "$4" | kcat -P -b "$1" -t "$2" -K '	' \
    -X partitioner=murmur2_random -X enable.idempotence=true -X acks=all
