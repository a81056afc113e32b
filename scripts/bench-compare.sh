#!/usr/bin/env bash
# bench-compare.sh runs the bench module (bench/: the SDK against
# encoding/json, encoding/xml and the third-party JSON libraries) and prints
# benchstat tables with the implementations side by side, then the ratios
# the goals are stated in (sdk/stdlib, sdk/fastest library, sdk/floor, and
# the SDK's memory figures).
#
#   scripts/bench-compare.sh [rounds] [outdir] [bench regexp]
#       defaults: 3, /tmp/bench-compare, . (every benchmark)
#
# The test binary is built once and run `rounds` times with -test.count 1,
# so that each round measures every implementation of a cell close together
# in time: on a shared machine, load that comes and goes spreads over all of
# them instead of landing on one. benchstat treats the rounds as it would
# -count samples. Writes outdir/raw.txt (all rounds), outdir/benchstat.txt
# and outdir/ratios.txt.
#
# benchstat comes from the Go module proxy through `go run`; it is in
# neither module's go.mod.
set -euo pipefail
rounds=${1:-3}
out=${2:-/tmp/bench-compare}
pattern=${3:-.}
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

# outdir is taken from where the script is run, before moving into bench/.
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/../bench"
bin="$out/bench.test"
go test -c -o "$bin" .
go build -o "$out/ratios" ./cmd/ratios
: >"$out/raw.txt"
for i in $(seq "$rounds"); do
	echo "== round $i/$rounds ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))" >&2
	"$bin" -test.run '^$' -test.bench "$pattern" -test.benchmem -test.count 1 -test.timeout 60m >>"$out/raw.txt"
done

{
	for name in Communications DecodeMemory JourneyContacts CommunicationsPeak CommunicationsSeq; do
		if grep -q "^Benchmark$name/" "$out/raw.txt"; then
			echo "== $name"
			$benchstat -filter ".name:$name" -col /impl "$out/raw.txt"
			echo
		fi
	done
} >"$out/benchstat.txt"
"$out/ratios" "$out/raw.txt" >"$out/ratios.txt"
cat "$out/benchstat.txt"
echo "== ratios: medians of $rounds rounds (min ns/op: the least disturbed sample)"
cat "$out/ratios.txt"
