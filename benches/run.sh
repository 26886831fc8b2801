#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md on this machine, in one go, and prints one JSON
# line per measurement. The server under test is pinned to CPU 0, the load generator to
# CPU 1; the baseline is measured in the same run, interleaved with ours.
# Loopback only; every loop is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin chatbot --bench loadgen --bench baseline --bench understand 2>/dev/null
bin() { ls -t target/release/deps/"$1"-* | grep -v '\.d$' | head -1; }
LOADGEN=$(bin loadgen); BASELINE=$(bin baseline); SERVER=target/release/chatbot
SHAPE=3,2,3,4,4,4,2   # frames per chunk of newjob/en/new visitor by the default answers
SESSION_SHAPE=4,2,3,4,4,4,2   # the same with the resume ack before the first chunk
REDIS_PORT=8190
WALKS=${WALKS:-20000}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # start NAME PORT ARGS...: starts a server pinned to CPU 0, prints its pid
  local name=$1 port=$2; shift 2
  if [ "$name" = chatbot ]; then
    RUST_LOG=warn taskset -c 0 "$SERVER" --addr 127.0.0.1:"$port" "$@" >/dev/null 2>&1 &
  else
    taskset -c 0 "$BASELINE" --addr 127.0.0.1:"$port" "$@" >/dev/null 2>&1 &
  fi
  local pid=$!; pids+=("$pid")
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
  echo "$pid"
}
load() { taskset -c 1 "$LOADGEN" "$@"; }
tag() { sed "s/^{/{\"target\":\"$1\",/"; }

echo "# machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1048576 " GiB"}'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# open-file limit: $(ulimit -Hn)"

# Redis for the shared-store rows, on the load generator's CPU (its CPU is reported apart).
taskset -c 1 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >/dev/null &
redis=$!; pids+=("$redis")
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$REDIS_PORT") 2>/dev/null && break; sleep 0.05; done

# CPU per dialogue, ours vs the baseline with the same frames, twice each, interleaved;
# with `session` on (in process, then Redis) against the baseline sending the ack too.
for round in 1 2; do
  pid=$(start chatbot 8101 --interval-ms 0); load walk --addr 127.0.0.1:8101 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag chatbot; kill "$pid"
  pid=$(start baseline 8102 --shape $SHAPE); load walk --addr 127.0.0.1:8102 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag baseline; kill "$pid"
  pid=$(start chatbot 8111 --interval-ms 0); load walk --session --addr 127.0.0.1:8111 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag chatbot-session; kill "$pid"
  pid=$(start baseline 8112 --shape $SESSION_SHAPE); load walk --addr 127.0.0.1:8112 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag baseline-session-shape; kill "$pid"
  pid=$(start chatbot 8113 --interval-ms 0 --session-store "redis://127.0.0.1:$REDIS_PORT/0"); load walk --session --addr 127.0.0.1:8113 --pid "$pid" --redis-pid "$redis" --sessions "$WALKS" --concurrency 64 | tag chatbot-session-redis; kill "$pid"
  pid=$(start chatbot 8103 --interval-ms 0); load success --addr 127.0.0.1:8103 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag chatbot; kill "$pid"
  pid=$(start baseline 8104 --shape 5); load success --addr 127.0.0.1:8104 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag baseline; kill "$pid"
done

# A typed answer at every turn (the first quick reply's text, as `message`), the same way.
for round in 1 2; do
  pid=$(start chatbot 8121 --interval-ms 0); load walk --typed --addr 127.0.0.1:8121 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag chatbot-typed; kill "$pid"
  pid=$(start baseline 8122 --shape $SHAPE); load walk --typed --addr 127.0.0.1:8122 --pid "$pid" --sessions "$WALKS" --concurrency 64 | tag baseline-typed; kill "$pid"
done

# The first bot message after the first client message at the real 2 s interval, with
# and without `session` (the session frame takes no time of its own).
pid=$(start chatbot 8124)
load first --addr 127.0.0.1:8124 --sessions 200 | tag chatbot
load first --session --addr 127.0.0.1:8124 --sessions 200 | tag chatbot-session
kill "$pid"

# Understanding one typed message of ~95 characters at each report's offer.
taskset -c 0 "$(bin understand)"

# Memory of held sessions (past their first chunk), ours and the baseline's.
pid=$(start chatbot 8105 --interval-ms 0); load hold --addr 127.0.0.1:8105 --pid "$pid" --steps 1000,10000,19000 | tag chatbot; kill "$pid"
pid=$(start baseline 8106 --shape $SHAPE); load hold --addr 127.0.0.1:8106 --pid "$pid" --steps 1000,10000,19000 | tag baseline; kill "$pid"
# With `session` on: 19,000 held, then 100,000 more dialogues closed and stored for resuming.
pid=$(start chatbot 8114 --interval-ms 0 --idle-timeout-s 3600); load stored --session --addr 127.0.0.1:8114 --pid "$pid" --held 19000 --stored 100000 | tag chatbot-session; kill "$pid"

# Resume latency: 1,000 dialogues drop and reconnect at once, in process and via Redis.
pid=$(start chatbot 8115 --interval-ms 0); load resume --addr 127.0.0.1:8115 --pid "$pid" --sessions 1000 | tag chatbot-memory; kill "$pid"
pid=$(start chatbot 8116 --interval-ms 0 --session-store "redis://127.0.0.1:$REDIS_PORT/0"); load resume --addr 127.0.0.1:8116 --pid "$pid" --redis-pid "$redis" --sessions 1000 | tag chatbot-redis; kill "$pid"

# Pacing under load: 19,000 sessions all live at once through whole dialogues at the
# default 2 s with `session` on, and 2,000 at 200 ms.
pid=$(start chatbot 8107); load pacing --session --addr 127.0.0.1:8107 --sessions 19000 --interval-ms 2000 --ramp-s 30 --turns 7 | tag chatbot-session; kill "$pid"
pid=$(start chatbot 8108 --interval-ms 200); load pacing --addr 127.0.0.1:8108 --sessions 2000 --interval-ms 200 --ramp-s 5 --turns 3 | tag chatbot; kill "$pid"

# Rebuild after editing a dialogue vs after touching src/lib.rs (dev profile), 3 rounds.
cargo build --quiet
for round in 1 2 3; do
  for what in dialogue lib; do
    if [ $what = dialogue ]; then printf '\n# bench edit\n' >> dialogues/newjob/en.toml; else touch src/lib.rs; fi
    t0=$(date +%s.%N); cargo build --quiet; t1=$(date +%s.%N)
    [ $what = dialogue ] && git checkout --quiet dialogues/newjob/en.toml && cargo build --quiet
    echo "{\"scenario\":\"rebuild\",\"after\":\"$what\",\"round\":$round,\"seconds\":$(awk "BEGIN{print $t1 - $t0}")}"
  done
done

# Soak: 10 minutes of churn (finished, dropped mid-chunk, timed out, bad), after a
# 1-minute warm-up of the same churn; RSS and live sessions must come back.
pid=$(start chatbot 8109 --interval-ms 100 --first-message-timeout-s 5 --idle-timeout-s 10)
load soak --addr 127.0.0.1:8109 --pid "$pid" --seconds 60 --concurrency 100 --timeout-s 10 | tag warmup
load soak --addr 127.0.0.1:8109 --pid "$pid" --seconds "${SOAK_S:-600}" --concurrency 100 --timeout-s 10 | tag chatbot
kill "$pid"
