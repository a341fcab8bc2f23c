#!/usr/bin/env bash
# Regenerates docs/performance.md's numbers: Herald's edge side by side with the peers (../shared/peers), the
# end-to-end and dispatcher runs, the JMH micro-benchmarks, then the plots (docs/perf/*.png) and the tables in
# docs/performance.md. Every run is bounded in time and stops by itself; everything listens on 127.0.0.1 only.
#
# Usage: bench/run.sh [step ...]      steps: build fanout idle resume e2e dispatcher saturation jmh report
#                                     (default: all of them, in that order; about 90 minutes on 2 quiet cores)
#                                     and, not in the default: cluster (the edge's fan-out on a 3+3 Redis Cluster
#                                     against one redis-server, alternating; ~15 min; results in $OUT/cluster)
# Environment:
#   RUNS=3          repetitions of each headline scenario (the report quotes medians)
#   WAIT_LOAD=0.7   before each run (before its server starts), wait until the 1-minute load average is below this,
#                   polling every 30 s (0: don't wait)
#   WAIT_BUDGET=2400  ... but wait at most this many seconds in all: past it, runs go on and say quietHost=false
#                   (their foreignCpuPct says how much other processes used meanwhile)
#   WAIT_PER_RUN=2400 ... and at most this many seconds before any one run
#   PEERS=<dir>     the peers' directory (default: ../shared/peers next to the project), copied to a scratch dir
#   WORK=<dir>      scratch directory (default /tmp/herald-bench): servers' logs, jar snapshots, the peers' copy
#   OUT=<dir>       raw results (default docs/perf/data): results.jsonl and one CSV per scenario
#   SERVER_CPU=0 LOAD_CPU=1   the CPU of the servers (edge or peer, Redis) and of the load generator
#   KAFKA_CPU=$SERVER_CPU     the broker's CPU (e2e: LOAD_CPU puts it off the servers' core, as a deployment would)
#   SWEEP_RATES="25 50 100 200 300 400"  message rates of the latency-against-load sweep (1,000 clients)
#   SWEEP_WARMUP=0  seconds of the same load, delivered but not measured, before each sweep run (label -warm<N>)
#   FANOUT_SCENARIOS="user broadcast"     which scenarios the fanout step runs
#   CLUSTER_SCENARIOS="user broadcast" CLUSTER_BROADCAST_RATE=150   the cluster step's scenarios, broadcast's rate
#   JMH_OPTS="-f 1 -wi 3 -i 5 -w 2s -r 2s"
# Measuring a variant of the edge (another build, JVM flags, settings); its labels get "+VARIANT":
#   VARIANT=jetty EDGE_JAR=/tmp/edge-jetty.jar EDGE_JAVA_OPTS="..." EDGE_ARGS="--prop=value ..." bench/run.sh fanout
#   (EDGE_JAVA=<path to a java> runs the edge on another JDK than the PATH's; EDGE_JAR may be an extracted jar, its
#   lib/ beside it, e.g. for a JDK 25 AOT cache: EDGE_JAVA_OPTS="-XX:AOTCache=<file>", trained on the same snapshot path)
#   (EDGE_JVM_OPTIONS=<file>: the edge's JVM options file, by default deploy/docker/websocket-edge/jvm.options, the
#   one its image starts with; EDGE_JVM_OPTIONS= runs the edge on the JVM's defaults)
#   (DISPATCHER_ARGS="--prop=value ..." likewise adds settings to the dispatcher of the e2e step)
set -uo pipefail
root=${HERALD_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
RUNS=${RUNS:-3}
WAIT_LOAD=${WAIT_LOAD:-0.7}
WAIT_BUDGET=${WAIT_BUDGET:-2400}
WAIT_PER_RUN=${WAIT_PER_RUN:-2400}
WORK=${WORK:-/tmp/herald-bench}
OUT=${OUT:-$root/docs/perf/data}
PEERS=${PEERS:-$root/../shared/peers}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
KAFKA_CPU=${KAFKA_CPU:-$SERVER_CPU}
REDIS_PORT=${REDIS_PORT:-6390}
EDGE_PORT=${EDGE_PORT:-18081}
# health and Prometheus (management.server.port): the services keep them off the client port
EDGE_MANAGEMENT_PORT=${EDGE_MANAGEMENT_PORT:-18181}
DISPATCHER_MANAGEMENT_PORT=${DISPATCHER_MANAGEMENT_PORT:-18182}
DISPATCHER_PORT=${DISPATCHER_PORT:-18082}
PEER_A_PORT=${PEER_A_PORT:-18091}
PEER_B_PORT=${PEER_B_PORT:-18092}
KAFKA_PORT=${KAFKA_PORT:-19092}
SWEEP_RATES=${SWEEP_RATES:-25 50 100 200 300 400}
SWEEP_WARMUP=${SWEEP_WARMUP:-0}
FANOUT_SCENARIOS=${FANOUT_SCENARIOS:-user broadcast}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 3 -i 5 -w 2s -r 2s}
VARIANT=${VARIANT:-}
EDGE_JAR=${EDGE_JAR:-$root/websocket-edge/target/herald-websocket-edge-0.1.0-SNAPSHOT-exec.jar}
EDGE_JAVA=${EDGE_JAVA:-java}
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-}
EDGE_JVM_OPTIONS=${EDGE_JVM_OPTIONS-$root/deploy/docker/websocket-edge/jvm.options}
EDGE_ARGS=${EDGE_ARGS:-}
DISPATCHER_ARGS=${DISPATCHER_ARGS:-}
edge_jar="$WORK/jars/edge${VARIANT:+-$VARIANT}.jar"
suffix=${VARIANT:++$VARIANT}
# a variant is Herald's only: the peers are measured once, with the baseline
PEER_TARGETS=${PEER_TARGETS:-$([ -n "$VARIANT" ] || echo a b)}
mkdir -p "$WORK/run" "$WORK/jars" "$OUT"
log() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }
waited=0
quiet=true
# Waits (polling every 30 s, within the budget) for a quiet host; sets $quiet. Quiet: a 1-minute load below WAIT_LOAD,
# or, since our own previous run keeps the load average up for a minute or two after it ended, a host that is at
# least 90% idle over 5 s while none of our servers runs (no foreign load now).
idle_pct() {
  local a b; a=($(head -1 /proc/stat)); sleep 5; b=($(head -1 /proc/stat))
  local total=0 i; for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( 100 * (b[4] - a[4] + b[5] - a[5]) / (total > 0 ? total : 1) ))
}
await_quiet() {
  local start=$waited
  if [ "$WAIT_LOAD" = 0 ]; then quiet=true; return 0; fi
  while :; do
    local load idle; load=$(cut -d' ' -f1 /proc/loadavg); idle=$(idle_pct)
    if awk "BEGIN{exit !($load < $WAIT_LOAD)}" || [ "$idle" -ge 90 ]; then quiet=true; return 0; fi
    if [ "$waited" -ge "$WAIT_BUDGET" ] || [ $((waited - start)) -ge "$WAIT_PER_RUN" ]; then quiet=false; return 0; fi
    log "waiting for a quiet host: load1=$load idle=${idle}% (waited ${waited}s of ${WAIT_BUDGET}s)"
    sleep 25; waited=$((waited + 30))
  done
}
common() { echo --out "$OUT" --quiet-host "$quiet"; }

# ---------------------------------------------------------------- processes
wait_port() { for _ in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
stop_pid() { # stop one process we started, by its pid file
  local f="$WORK/run/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f"); rm -f "$f"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null; return 0
}
redis_start() {
  redis_stop
  taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$WORK/run/redis.pid" --logfile "$WORK/run/redis.log" --dir "$WORK/run"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  log "redis did not start"; return 1
}
redis_stop() { [ -f "$WORK/run/redis.pid" ] && stop_pid redis; return 0; }
redis_flush() { redis-cli -p "$REDIS_PORT" flushall >/dev/null; }

# The edge as it ships (-exec.jar, Jetty, its image's JVM options), authentication off (the generator names each
# client with ?user=) and a 1 GiB heap; its Redis follows (edge_start: run.sh's redis-server; the cluster step:
# the generator's).
edge_cmd() {
  echo taskset -c "$SERVER_CPU" "$EDGE_JAVA" ${EDGE_JVM_OPTIONS:+"@$EDGE_JVM_OPTIONS"} -Xmx1g $EDGE_JAVA_OPTS \
    -jar "$edge_jar" --server.address=127.0.0.1 --server.port="$EDGE_PORT" --management.server.address=127.0.0.1 \
    --management.server.port="$EDGE_MANAGEMENT_PORT" \
    --spring.kafka.bootstrap-servers="127.0.0.1:$KAFKA_PORT" --herald.edge.auth.enabled=false \
    --logging.level.root=WARN $EDGE_ARGS
}
edge_start() {
  edge_stop
  # shellcheck disable=SC2046
  $(edge_cmd) --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" "$@" >"$WORK/run/edge.log" 2>&1 &
  echo $! >"$WORK/run/edge.pid"
  wait_port "$EDGE_PORT" || { log "edge did not start"; tail -20 "$WORK/run/edge.log"; return 1; }
}
edge_stop() { stop_pid edge; }
peer_start() { # a | b
  peer_stop
  local script port
  script=$([ "$1" = a ] && echo peer-a-naive.js || echo peer-b-socketio.js)
  port=$([ "$1" = a ] && echo "$PEER_A_PORT" || echo "$PEER_B_PORT")
  (cd "$WORK/peers" && PORT=$port REDIS_PORT=$REDIS_PORT exec taskset -c "$SERVER_CPU" node "$script") \
    >"$WORK/run/peer.log" 2>&1 &
  echo $! >"$WORK/run/peer.pid"
  wait_port "$port" || { log "peer $1 did not start"; return 1; }
  sleep 0.5
}
peer_stop() { stop_pid peer; }
kafka_start() {
  kafka_stop
  rm -rf "$WORK/kafka"
  taskset -c "$KAFKA_CPU" java -Xmx512m -cp "$(cat bench/target/bench-classpath.txt)" \
    -Dlogback.configurationFile=io/herald/testkit/logback-broker.xml \
    io.herald.testkit.kafka.KafkaBroker --dir "$WORK/kafka" --port "$KAFKA_PORT" >"$WORK/run/kafka.log" 2>&1 &
  echo $! >"$WORK/run/kafka.pid"
  for _ in $(seq 600); do grep -q HERALD_KAFKA_READY "$WORK/run/kafka.log" && return 0; sleep 0.1; done
  log "kafka did not start"; tail -20 "$WORK/run/kafka.log"; return 1
}
kafka_stop() { stop_pid kafka; }
# An idle broker for the steps that feed Redis directly: the edge asks Kafka where a channel without a log starts, so
# a subscribe needs it (the generator creates the topic: --kafka in target_args).
kafka_idle() { [ -f "$WORK/run/kafka.pid" ] || kafka_start; }
dispatcher_cmd() { # the dispatcher as it ships, pinned with the servers; extra --properties follow
  echo taskset -c "$SERVER_CPU" java -Xmx512m -jar "$WORK/jars/dispatcher.jar" --server.address=127.0.0.1 --server.port="$DISPATCHER_PORT" \
    --management.server.address=127.0.0.1 --management.server.port="$DISPATCHER_MANAGEMENT_PORT" \
    --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" --spring.kafka.bootstrap-servers="127.0.0.1:$KAFKA_PORT" \
    --logging.level.root=WARN $DISPATCHER_ARGS "$@"
}
cleanup() { edge_stop; peer_stop; stop_pid dispatcher; kafka_stop; redis_stop; }
trap cleanup EXIT

gen() { timeout 900 taskset -c "$LOAD_CPU" bench/bench "$@"; }
pid_of() { cat "$WORK/run/$1.pid"; }
target_args() { # herald | a | b
  case "$1" in
    herald) echo --target herald --url "ws://127.0.0.1:$EDGE_PORT/ws" --server-pid "$(pid_of edge)" \
      --kafka "127.0.0.1:$KAFKA_PORT" ;;
    a) echo --target a --url "ws://127.0.0.1:$PEER_A_PORT" --server-pid "$(pid_of peer)" ;;
    b) echo --target b --url "ws://127.0.0.1:$PEER_B_PORT" --server-pid "$(pid_of peer)" ;;
  esac
}
server_start() { if [ "$1" = herald ]; then edge_start; else peer_start "$1"; fi; }
server_stop() { edge_stop; peer_stop; }

# ---------------------------------------------------------------- steps
step_build() {
  log "building the bench module, the edge and the dispatcher"
  ./mvnw -B -q -pl bench -am package -DskipTests || exit 1
}
snapshot_jars() {
  [ -f bench/target/bench-classpath.txt ] || { log "run 'bench/run.sh build' first"; exit 1; }
  # snapshots, so that a rebuild during the run does not change what is measured; -p keeps the jar's time, which an
  # AOT cache checks, and an extracted edge (java -Djarmode=tools -jar ... extract) keeps its lib/ beside it
  cp -p "$EDGE_JAR" "$edge_jar"
  if [ -d "$(dirname "$EDGE_JAR")/lib" ]; then ln -sfn "$(cd "$(dirname "$EDGE_JAR")/lib" && pwd)" "$WORK/jars/lib"; fi
  cp dispatcher/target/herald-dispatcher-0.1.0-SNAPSHOT-exec.jar "$WORK/jars/dispatcher.jar"
}
prepare() {
  snapshot_jars
  if [ ! -d "$WORK/peers/node_modules" ]; then
    rm -rf "$WORK/peers" && cp -r "$PEERS" "$WORK/peers" && chmod -R u+w "$WORK/peers"
    (cd "$WORK/peers" && npm ci --no-audit --no-fund >/dev/null) || { log "npm ci failed for the peers"; exit 1; }
  fi
  redis_start
}

# One fan-out run on a fresh server and empty Redis: fanout_run <herald|a|b> <label> <generator args...>
fanout_run() {
  local who=$1 label=$2; shift 2
  redis_flush; await_quiet; server_start "$who" || return 1
  # shellcheck disable=SC2046
  gen fanout $(target_args "$who") --redis "redis://127.0.0.1:$REDIS_PORT" --own-pids "$(pid_of redis)" \
    --label "$label$([ "$who" = herald ] && echo "$suffix")" $(common) "$@"
  server_stop
}

step_fanout() {
  for r in $(seq "$RUNS"); do
    if [[ " $FANOUT_SCENARIOS " == *" user "* ]]; then
      log "fan-out, per-user channels: 5,000 clients x 1,000 msg/s (run $r/$RUNS)"
      fanout_run herald user-5000x1000 --channels user --clients 5000 --rate 1000 --seconds 10 --drain 15
      # the peers have no per-user channels: the same publish rate reaches every client (their only way)
      for who in $PEER_TARGETS; do
        fanout_run "$who" user-5000x1000 --channels broadcast --clients 5000 --rate 1000 --seconds 10 --drain 15
      done
    fi
    if [[ " $FANOUT_SCENARIOS " == *" broadcast "* ]]; then
      log "fan-out, one broadcast channel: 2,000 clients x 100 msg/s (run $r/$RUNS)"
      for who in herald $PEER_TARGETS; do
        fanout_run "$who" broadcast-2000x100 --channels broadcast --clients 2000 --rate 100 --seconds 10 --drain 15
      done
    fi
  done
}

# The edge's fan-out on a Redis Cluster (issue 12): the generator starts the Redis, a 3+3 cluster (testkit) or one
# redis-server, pins it with the edge on CPU $SERVER_CPU, then starts the edge on it (--start) and publishes with the
# apply script on each channel's primary (SPUBLISH on the cluster). Channels are spread evenly over the three shards.
# Runs alternate one node / cluster (which goes first alternates too); run.sh's own redis-server is not used. The
# broker (idle during the measured phase) tells the edge where a channel without a log starts.
CLUSTER_SCENARIOS=${CLUSTER_SCENARIOS:-user broadcast}
CLUSTER_BROADCAST_RATE=${CLUSTER_BROADCAST_RATE:-150}  # messages/s over the 3 channels (x ~667 clients each)
step_cluster() {
  local out="$OUT/cluster" first second
  kafka_start || return 1
  for r in $(seq "$RUNS"); do
    if [ $((r % 2)) = 1 ]; then first=false second=true; else first=true second=false; fi
    for scenario in $CLUSTER_SCENARIOS; do
      for cluster in $first $second; do
        local topo; topo=$([ "$cluster" = true ] && echo cluster || echo one-node)
        await_quiet
        log "fan-out on $topo: $scenario (run $r/$RUNS), load: $(cut -d' ' -f1-3 /proc/loadavg)"
        local args
        if [ "$scenario" = user ]; then
          args="--channels user --clients 5000 --rate 1000 --label cluster-user-5000x1000-$topo"
        else
          args="--channels broadcast --channel-count 3 --clients 2000 --rate $CLUSTER_BROADCAST_RATE"
          args="$args --label cluster-broadcast3-2000x$CLUSTER_BROADCAST_RATE-$topo"
        fi
        # shellcheck disable=SC2086
        gen fanout --target herald --url "ws://127.0.0.1:$EDGE_PORT/ws" --start "$(edge_cmd)" --cluster "$cluster" \
          --redis-cpus "$SERVER_CPU" --log "$WORK/run/edge-$topo.log" --kafka "127.0.0.1:$KAFKA_PORT" \
          --seconds 10 --drain 15 $args --out "$out" $([ "$WAIT_LOAD" = 0 ] || echo --quiet-host "$quiet")
      done
    done
  done
  kafka_stop
}

step_saturation() {
  for rate in $SWEEP_RATES; do
    for who in herald $PEER_TARGETS; do
      log "latency against load: 1,000 clients on one channel, $rate msg/s, $who"
      fanout_run "$who" "sweep-1000$([ "$SWEEP_WARMUP" = 0 ] || echo "-warm$SWEEP_WARMUP")" --channels broadcast \
        --clients 1000 --rate "$rate" --seconds 10 --drain 15 --warmup-seconds "$SWEEP_WARMUP"
    done
  done
}

step_idle() {
  # 20,000 do not fit in the 20,000 open files a process may hold here
  local steps=${IDLE_STEPS:-0,2500,5000,10000,15000,19500}
  for who in ${IDLE_TARGETS:-herald $PEER_TARGETS}; do
    log "memory against idle connections: $who"
    redis_flush; await_quiet; server_start "$who"
    if [ "$who" = herald ]; then
      gen idle $(target_args herald) --redis "redis://127.0.0.1:$REDIS_PORT" --channels user --steps "$steps" --heap \
        --label "idle$suffix" --concurrency 500 $(common)
    else
      gen idle $(target_args "$who") --redis "redis://127.0.0.1:$REDIS_PORT" --channels broadcast --steps "$steps" \
        --label idle --concurrency 500 $(common)
    fi
    server_stop
  done
}

step_resume() {
  for r in $(seq "$RUNS"); do
    log "resume storm: 5,000 clients, each 20 behind (run $r/$RUNS)"
    redis_flush; await_quiet; edge_start
    gen resume $(target_args herald) --redis "redis://127.0.0.1:$REDIS_PORT" --channels user --clients 5000 --k 20 \
      --rate 10000 --label "storm-5000x20$suffix" --drain 120 --idle 10 $(common)
    edge_stop
    # peer B recovers from its stream (20 broadcast messages behind = the same 20 per client); A recovers nothing
    for who in $PEER_TARGETS; do
      redis_flush; await_quiet; peer_start "$who"
      gen resume $(target_args "$who") --redis "redis://127.0.0.1:$REDIS_PORT" --channels broadcast --clients 5000 \
        --k 20 --warmup 20 --rate 100 --label storm-5000x20 --drain 60 --idle 10 $(common)
      peer_stop
    done
  done
}

step_e2e() {
  log "end to end through Kafka: broker, dispatcher and edge on CPU $SERVER_CPU, producer and clients on CPU $LOAD_CPU"
  redis_flush; await_quiet; kafka_start || return 1
  $(dispatcher_cmd) >"$WORK/run/dispatcher.log" 2>&1 &
  echo $! >"$WORK/run/dispatcher.pid"
  wait_port "$DISPATCHER_PORT" || { log "dispatcher did not start"; return 1; }
  edge_start
  sleep 5
  # per stage: record timestamp -> applied (dispatcher), createdAt -> queued for the socket (edge); the histograms
  # count from the services' start, so one run's part is its "after" minus its "before"
  stages() {
    curl -s "http://127.0.0.1:$DISPATCHER_MANAGEMENT_PORT/actuator/prometheus" | grep '^herald_dispatcher_apply_latency_seconds'
    curl -s "http://127.0.0.1:$EDGE_MANAGEMENT_PORT/actuator/prometheus" | grep '^herald_edge_delivery_latency_seconds'
  }
  for r in $(seq "$RUNS"); do
    stages >"$OUT/e2e-stages$suffix-run$r-before.txt"
    gen fanout $(target_args herald) --feed kafka --kafka "127.0.0.1:$KAFKA_PORT" --redis "redis://127.0.0.1:$REDIS_PORT" \
      --own-pids "$(pid_of redis),$(pid_of kafka),$(pid_of dispatcher)" --channels user --clients 1000 --rate 1000 \
      --seconds "${E2E_SECONDS:-30}" --label "e2e-1000x1000$suffix" $(common)
    stages >"$OUT/e2e-stages$suffix-run$r-after.txt"
  done
  stages >"$OUT/e2e-stages$suffix.txt" # over all runs
  edge_stop; stop_pid dispatcher; kafka_stop
}

step_dispatcher() {
  for r in $(seq "$RUNS"); do
    log "dispatcher apply: BatchApplier vs redis-benchmark on the same script (run $r/$RUNS)"
    redis_flush; await_quiet
    gen apply --redis "redis://127.0.0.1:$REDIS_PORT" --redis-pid "$(pid_of redis)" --seconds 10 --label apply-batch500 \
      --rb-requests 300000 --out "$OUT" --quiet-host "$quiet"
  done
  kafka_start || return 1
  for concurrency in 1 6; do
    for r in $(seq "$RUNS"); do
      log "dispatcher process draining 300,000 records, listener concurrency $concurrency (run $r/$RUNS)"
      redis_flush; await_quiet
      local topic="bench-drain-$concurrency-$r-$(date +%s)"
      # shellcheck disable=SC2046
      gen drain --kafka "127.0.0.1:$KAFKA_PORT" --topic "$topic" --group "drain-$topic" --produce 300000 \
        --start "$(dispatcher_cmd --herald.kafka.topic="$topic" --herald.dispatcher.group-id="drain-$topic" \
                   --spring.kafka.listener.concurrency=$concurrency)" \
        --log "$WORK/run/dispatcher-drain.log" --label "drain-c$concurrency" --quiet-host "$quiet" --out "$OUT"
    done
  done
  kafka_stop
}

step_jmh() {
  await_quiet
  log "JMH micro-benchmarks (pinned to CPU $LOAD_CPU; BatchApply's redis-server inherits the pin)"
  # shellcheck disable=SC2086
  timeout 1800 taskset -c "$LOAD_CPU" bench/jmh $JMH_OPTS -rf json -rff "$OUT/jmh.json" \
    'io.herald.bench.micro.*' | tee "$WORK/run/jmh.txt" | grep -E "^(Benchmark|[A-Z][A-Za-z]+Benchmark)"
}

step_report() {
  # the first Python that has matplotlib (Debian's package: apt-get install python3-matplotlib)
  local py
  for py in python3 /usr/bin/python3; do "$py" -c 'import matplotlib' 2>/dev/null && break; py=; done
  [ -n "$py" ] || { log "matplotlib is needed for the plots: apt-get install python3-matplotlib"; exit 1; }
  "$py" bench/plot.py "$OUT" docs/perf docs/performance.md
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(build fanout idle resume e2e dispatcher saturation jmh report)
for s in "${steps[@]}"; do
  case "$s" in
    build) step_build ;;
    report) step_report ;;
    cluster) snapshot_jars; step_cluster ;; # its Redis is the generator's, and it needs no peers
    fanout|saturation|idle|resume) [ -f "$WORK/run/redis.pid" ] || prepare; kafka_idle || exit 1; "step_$s" ;;
    e2e|dispatcher|jmh) [ -f "$WORK/run/redis.pid" ] || prepare; "step_$s" ;;
    *) echo "unknown step $s" >&2; exit 2 ;;
  esac
done
