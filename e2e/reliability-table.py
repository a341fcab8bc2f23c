#!/usr/bin/env python3
"""Prints the Markdown table of docs/reliability.md from the fault suite's last run (e2e/target/reliability/*.json).

Run the suite first:  ./mvnw -B -pl e2e -am verify -Dtest=FaultsIT -Dsurefire.failIfNoSpecifiedTests=false
"""
import glob
import json
import os

ORDER = ["dispatcher-kill", "redis-restart", "edge-kill", "kafka-restart", "dead-letters"]
here = os.path.dirname(os.path.abspath(__file__))
rows = {}
for path in glob.glob(os.path.join(here, "target", "reliability", "*.json")):
    with open(path) as f:
        row = json.load(f)
    rows[row["scenario"]] = row

print("| scenario | sent | sent during fault | expected deliveries | delivered | lost | duplicated | reordered | resets "
      "| client reconnects | fault lasted (ms) | recovered in (ms) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in ORDER + sorted(set(rows) - set(ORDER)):
    r = rows.get(name)
    if r is None:
        continue
    print(f"| {name} | {r['sent']} | {r['sentDuringFault']} | {r['expectedDeliveries']} | {r['delivered']} | {r['missing']} "
          f"| {r['duplicated']} | {r['reordered']} | {r['resets']} | {r['reconnects']} | {r['faultMs']} | {r['recoveryMs']} |")
