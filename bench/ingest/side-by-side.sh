#!/usr/bin/env bash
# Two ingest builds side by side (docs/performance.md, "Ingest"): one Kafka broker (testkit's, with the dev mode's
# JVM flags) and one redis-server for both, then each jar in turn, RUNS rounds, single POSTs and batches of 100 at
# 16 and 64 connections, 15 s each. One line per run: notifications/s, wrk's p50/p99, ingest's and Kafka's CPU
# (cores) and the 1-minute load. No dispatcher and no edge: only what a POST waits for.
#
#   ./mvnw -B -o -q -pl e2e -am package -DskipTests        # the broker's class path and ingest's -exec.jar
#   cp ingest/target/herald-ingest-*-exec.jar /tmp/old.jar  # ... change, package again ...
#   bench/ingest/side-by-side.sh /tmp/old.jar ingest/target/herald-ingest-0.1.0-SNAPSHOT-exec.jar
#
# Ports: Kafka 19092, Redis 16390, ingest 18080 (management 19080). Needs wrk and redis-server.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
old=$(realpath "$1"); new=$(realpath "$2"); runs=${RUNS:-3}
work=$(mktemp -d /tmp/herald-ingest-bench.XXXXXX)
jvm=(-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)   # the dev mode's (ServiceProcess.JVM_ARGS)
pids=()
stop() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work/kafka"; }
trap stop EXIT
cpu() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }

java -Xms32m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$root/e2e/target/classes:$(cat "$root/e2e/target/dev-classpath.txt")" io.herald.testkit.kafka.KafkaBroker \
  --dir "$work/kafka" --port 19092 >"$work/kafka.log" 2>&1 & kafka=$!; pids+=("$kafka")
redis-server --port 16390 --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 & pids+=($!)
until grep -q HERALD_KAFKA_READY "$work/kafka.log"; do sleep 0.5; done

measure() { # label connections single|batch
  local i0 k0 out rps
  i0=$(cpu "$ingest"); k0=$(cpu "$kafka")
  out=$(cd "$root/bench/ingest" && wrk -t1 -c"$2" -d15s --latency -s "$3.lua" http://127.0.0.1:18080)
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  echo "$1 c=$2 $3 notifications/s=$(awk -v r="$rps" -v m="$([ "$3" = batch ] && echo 100 || echo 1)" 'BEGIN{printf "%.0f", r*m}')" \
    "p50=$(awk '$1=="50%"{print $2}' <<<"$out") p99=$(awk '$1=="99%"{print $2}' <<<"$out")" \
    "non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out") ingestCpu=$(awk -v a="$i0" -v b="$(cpu "$ingest")" 'BEGIN{printf "%.2f", (b-a)/15}')" \
    "kafkaCpu=$(awk -v a="$k0" -v b="$(cpu "$kafka")" 'BEGIN{printf "%.2f", (b-a)/15}') load1=$(cut -d' ' -f1 /proc/loadavg)"
}

for round in $(seq 1 "$runs"); do
  for label in old new; do
    jar=$old; [ "$label" = new ] && jar=$new
    java "${jvm[@]}" -jar "$jar" --server.port=18080 --management.server.port=19080 \
      --spring.kafka.bootstrap-servers=127.0.0.1:19092 --spring.data.redis.url=redis://127.0.0.1:16390 \
      --herald.ingest.auth.enabled=false >"$work/ingest-$label.log" 2>&1 & ingest=$!
    until grep -q 'Started IngestApplication' "$work/ingest-$label.log"; do sleep 0.5; done
    (cd "$root/bench/ingest" && wrk -t1 -c64 -d6s -s single.lua http://127.0.0.1:18080 >/dev/null)  # warm-up
    echo "# round $round $label: $(uptime)"
    for connections in 16 64; do measure "$label" "$connections" single; done
    for connections in 16 64; do measure "$label" "$connections" batch; done
    kill -TERM "$ingest"; wait "$ingest" || true
  done
done
