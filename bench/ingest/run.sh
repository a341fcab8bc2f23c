#!/usr/bin/env bash
# Accepted notifications per second through ingest (docs/performance.md, "Ingest"). Needs the dev mode running
# (./herald-dev, ingest on 127.0.0.1:8080) and wrk (Debian: apt-get install wrk). Each run lasts 15 s.
set -euo pipefail
cd "$(dirname "$0")"
url=${INGEST_URL:-http://127.0.0.1:8080}
run() { echo "== $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))"; shift; "$@" | grep -E "Requests/sec|Non-2xx|Latency|requests in"; }
run "single, 16 connections"                wrk -t1 -c16 -d15s -s single.lua "$url"
run "single, 64 connections"                wrk -t1 -c64 -d15s -s single.lua "$url"
run "single with Idempotency-Key, 16 conns" env KEYED=1 wrk -t1 -c16 -d15s -s single.lua "$url"
run "batch of 100, 4 connections"           wrk -t1 -c4 -d15s -s batch.lua "$url"
echo "(batch: notifications/s = Requests/sec x 100)"
