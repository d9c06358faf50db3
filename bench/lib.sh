# Shell functions shared by bench/compare, bench/cpu-per-call, bench/latency-at-rate and
# scripts/bench-smoke (sourced).

# listen_port LOG PID: waits, up to 30 s, for schedulerd (process PID, writing LOG) to say where it
# listens ("listen=127.0.0.1:PORT" in its "listening" line) and prints the port. Returns 1 when
# the process ends first or the time runs out.
listen_port() {
  local log="$1" pid="$2" port="" _
  for _ in $(seq 1 300); do
    port="$(grep -o 'listen=127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f2)" || true
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_schedulerd DIR BIN [serve args]: starts BIN/schedulerd in dev mode from DIR (its CA, keys,
# token and, unless the args say otherwise, its database under DIR/dev), on 127.0.0.1 with an
# ephemeral port and bench/schedulerd.json's limits, plus the args given. Sets server_pid and
# server_port (the caller stops the server); prints the server's log and returns 1 when it does
# not start. Used by bench/compare, bench/cpu-per-call and bench/latency-at-rate.
start_schedulerd() {
  local dir="$1" bin="$2" lib_root
  shift 2
  lib_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  (cd "$dir" && exec "$bin/schedulerd" serve --listen 127.0.0.1:0 --dev-dir "$dir/dev" \
    --config "$lib_root/bench/schedulerd.json" "$@" >"$dir/server.log" 2>&1) &
  server_pid=$!
  server_port="$(listen_port "$dir/server.log" "$server_pid")" || {
    echo "the server did not start:" >&2
    cat "$dir/server.log" >&2
    return 1
  }
}

# cpu_stat: the machine's CPU time counters so far (/proc/stat's "cpu" line: user nice system idle
# iowait irq softirq steal, in ticks), for steal_pct.
cpu_stat() { awk '$1 == "cpu" { print $2, $3, $4, $5, $6, $7, $8, $9; exit }' /proc/stat; }

# steal_pct BEFORE AFTER: of the CPU time between two cpu_stat snapshots, the share the hypervisor
# gave to other guests ("steal"), in percent with one decimal. On this shared virtual machine a
# run with steal is slow for that reason (one without can still be slow: docs/BENCHMARKS.md,
# "Session 32").
steal_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); split(b, y, " "); t = 0
    for (i = 1; i <= n; i++) t += y[i] - x[i]
    printf "%.1f\n", (t > 0 && n >= 8) ? 100 * (y[8] - x[8]) / t : 0 }'
}
