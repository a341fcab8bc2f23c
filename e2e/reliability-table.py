#!/usr/bin/env python3
"""Prints the Markdown table of docs/reliability.md from the fault suites' last run (e2e/target/reliability/*.json).

Run the suites first:
  ./mvnw -B -pl e2e -am verify -Dtest='*FaultsIT,MultiDispatcherIT,KafkaClusterIT' -Dsurefire.failIfNoSpecifiedTests=false
"""
import glob
import json
import os

ORDER = ["dispatcher-kill", "redis-restart", "stale-failover", "sentinel-failover", "cluster-failover", "cluster-migration", "edge-kill", "kafka-restart", "dead-letters",
         # MultiDispatcherIT: three dispatchers in one consumer group
         "scale-out-in", "dispatcher-kill-1-of-3", "dispatcher-zombie",
         # KafkaClusterIT: three Kafka brokers
         "kafka-leader-kill"]
here = os.path.dirname(os.path.abspath(__file__))
rows = {}
for path in glob.glob(os.path.join(here, "target", "reliability", "*.json")):
    with open(path) as f:
        row = json.load(f)
    rows[row["scenario"]] = row

print("| scenario | sent | sent during fault | expected deliveries | delivered | lost | duplicated | reordered | resets "
      "| client reconnects | fault lasted (ms) | delivering again after (ms) | recovered in (ms) | longest gap (ms) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in ORDER + sorted(set(rows) - set(ORDER)):
    r = rows.get(name)
    if r is None:
        continue
    print(f"| {name} | {r['sent']} | {r['sentDuringFault']} | {r['expectedDeliveries']} | {r['delivered']} | {r['missing']} "
          f"| {r['duplicated']} | {r['reordered']} | {r['resets']} | {r['reconnects']} | {r['faultMs']} | {r.get('deliveringMs', '-')} | {r['recoveryMs']} "
          f"| {r.get('longestGapMs', '-')} |")
