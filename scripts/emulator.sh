# Sourced by the scripts that run the Servitly emulator as a process of its
# own: start_emulator BIN LOG ADDR starts it on the loopback ADDR (port 0: a
# free one), sets EMULATOR_PID and EMULATOR_URL, and stops it when the script
# exits. Extra arguments go to the emulator.
start_emulator() {
  local bin=$1 log=$2 addr=$3
  shift 3
  "$bin" -addr "$addr" -quiet "$@" >"$log" 2>&1 &
  EMULATOR_PID=$!
  trap 'kill $EMULATOR_PID 2>/dev/null || true; wait $EMULATOR_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    EMULATOR_URL=$(grep -o 'serving http://[^ ]*' "$log" | cut -d' ' -f2 || true)
    [ -n "$EMULATOR_URL" ] && return 0
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
      cat "$log" >&2
      echo "The emulator did not start (is $addr free?)." >&2
      return 1
    fi
    sleep 0.1
  done
  echo "The emulator did not say where it serves within 10 s." >&2
  return 1
}
