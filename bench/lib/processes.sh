# Background processes for the load benches (sourced by gateway-load.sh and gateway-scale.sh; needs $WORK):
#   start NAME CMD...      runs CMD in the background, its output in $WORK/NAME.log, its pid in START_PID
#   wait_for URL NAME PID  waits (60 s at most) until URL answers, failing with NAME's log if PID exits first
#   stop_all               stops every process start began, and waits for them
PIDS=()

start() {
  local name=$1; shift
  "$@" > "$WORK/$name.log" 2>&1 &
  START_PID=$!
  PIDS+=("$START_PID")
}

wait_for() {
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "$2 exited early; its log:" >&2; cat "$WORK/$2.log" >&2; exit 1; fi
    sleep 0.2
  done
  echo "$2 did not answer $1 in 60 s" >&2; exit 1
}

stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
