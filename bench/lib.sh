# Shell functions shared by bench/compare, bench/cpu-per-call and scripts/bench-smoke (sourced).

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
