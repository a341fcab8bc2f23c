#!/usr/bin/env python3
"""Prints the Markdown tables of docs/reliability.md's "Edges behind a load balancer" from the last run of
BalancedEdgesIT (e2e/target/reliability/balanced/*.json).

Run it first:
  ./mvnw -B -pl e2e -am verify -Dtest=BalancedEdgesIT -Dsurefire.failIfNoSpecifiedTests=false
"""
import glob
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
runs = []


def spread(s):
    return f"{s['p50']} / {s['p99']} / {s['max']}"



for path in sorted(glob.glob(os.path.join(here, "target", "reliability", "balanced", "*.json"))):
    with open(path) as f:
        runs.append(json.load(f))

print("| scenario | clients | sent | expected deliveries | delivered | lost | duplicated | reordered | resets | client reconnects |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in runs:
    print(f"| {r['scenario']} | {r['clients']} | {r['sent']} | {r['expectedDeliveries']} | {r['delivered']} | {r['missing']} "
          f"| {r['duplicated']} | {r['reordered']} | {r['resets']} | {r['reconnects']} |")

print()
print("| scenario | event | fault took (ms) | clients cut off | of them bounced | live again after the signal p50 / p99 / max (ms) "
      "| offline per client p50 / p99 / max (ms) "
      "| survivors: resumes hot / kafka / reset | survivors: CPU s | survivors: sessions after |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in runs:
    for s in r["storms"]:
        survivors = s["survivors"]
        resumes = ", ".join(f"{e} {v['resumesHot']:.0f}/{v['resumesKafka']:.0f}/{v['resumesReset']:.0f}" for e, v in survivors.items())
        cpu = ", ".join(f"{e} {v['cpuSeconds']:.2f}" for e, v in survivors.items())
        sessions = ", ".join(f"{e} {v['sessions']:.0f}" for e, v in survivors.items())
        print(f"| {r['scenario']} | {s['event']} | {s['faultMs']} | {s['cutOff']} | {s['bounced']} "
              f"| {spread(s['liveAgainMs'])} | {spread(s['offlineMs'])} | {resumes} | {cpu} | {sessions} |")
