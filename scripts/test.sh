#!/usr/bin/env bash
# Runs every test of the solution and prints one closing line: "N passed, N failed[, N skipped]".
# Works on a bare machine with the .NET 10 SDK: NuGet packages are restored on first use; PostgreSQL and Redis are
# installed from Debian's packages when missing (below)
# (the evaluation tests read ../shared when it is there and are skipped with a message when it is not; the openai
# npm client test needs Node.js and npm, and is skipped with a message without them).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

results=.test-results
rm -rf "$results"
mkdir -p "$results"
configuration=${CONFIGURATION:-Release}

# The gateway's scale and fault tests run real PostgreSQL and Redis servers, which they start themselves on loopback
# ports (and stop and restart mid-run); they need the Debian packages' binaries. Installed here when missing and we
# may (root); without them those tests are skipped with a message.
if ! command -v redis-server >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing postgresql and redis-server (Debian packages) for the gateway store tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server) >/dev/null 2>&1 \
      || echo "test.sh: could not install postgresql and redis-server: the gateway store tests will be skipped" >&2
  else
    echo "test.sh: postgresql or redis-server is missing and cannot be installed here: the gateway store tests will be skipped" >&2
  fi
fi
# Debian starts the packaged services on install; the tests run their own servers, so the packaged ones are stopped.
if [ "$(id -u)" -eq 0 ]; then
  service redis-server stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
fi

# The governance report test renders `bulwark gov assess` HTML in headless Chromium (Debian's package) and checks a
# screenshot; without a browser that test is skipped with a message.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium (Debian package) for the governance report rendering test" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "test.sh: could not install chromium: the report rendering test will be skipped" >&2
  else
    echo "test.sh: chromium is missing and cannot be installed here: the report rendering test will be skipped" >&2
  fi
fi

# The openai npm client test drives the gateway with the package pinned in tests/clients/node/package-lock.json.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/clients/node --no-audit --no-fund --loglevel=error \
    || echo "test.sh: npm ci --prefix tests/clients/node failed: the openai npm client test will be skipped" >&2
else
  echo "test.sh: npm is not on PATH: the openai npm client test will be skipped" >&2
fi

dotnet build Bulwark.slnx -c "$configuration" -nologo -v quiet
build=$?
if [ $build -ne 0 ]; then
  echo "test.sh: build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Bulwark.slnx -c "$configuration" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" | tee "$results/console.log"
status=${PIPESTATUS[0]}

# Sum the counters of every test project's TRX file. A skipped test counts as total but not executed (its
# notExecuted counter stays 0).
read -r passed failed skipped < <(
  grep -ho '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "=\""); gsub(/"\/?>?$/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["total"] - c["executed"] }')
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [ $status -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # the run itself broke (crash, no TRX)

# Name the failed tests just above the closing line, so the tail of a CI log says what broke.
if [ "$failed" -gt 0 ]; then
  # Each failure's error message (up to its stack trace), then the names.
  awk '/^  Failed / { show = 1 } /^  Stack Trace:/ { show = 0 } show' "$results/console.log" | cut -c1-400 | head -n 60
  grep -ho 'testName="[^"]*"[^>]*outcome="Failed"' "$results"/*.trx 2>/dev/null | sed -E 's/^testName="([^"]*)".*/FAILED: \1/' | head -n 20
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
