#!/usr/bin/env bash
# bench.sh runs issue 4's client-level benchmarks (bench_test.go) and prints
# benchstat tables plus the ratios BENCHMARKS.md reports.
#
#   scripts/bench.sh [count] [outfile]     # defaults: 6, /tmp/bench.txt
#
# benchstat comes from the Go module proxy through `go run`; it is not a
# dependency of the module.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
out=${2:-/tmp/bench.txt}
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

go test -run '^$' -bench '^BenchmarkCommunications(Seq)?$' -benchmem -count "$count" -timeout 60m . | tee "$out"

echo
echo "== Communications: sdk vs handrolled vs floor"
$benchstat -filter '.name:Communications' -col /impl "$out"
echo
echo "== CommunicationsSeq vs Communications over 200,000 items"
$benchstat -filter '.name:CommunicationsSeq' -col /impl "$out"
echo
echo "== ratios of medians (sdk/handrolled, sdk/floor), allocs/item, live-MiB"
awk '
function median(key,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i+1) ~ /^(ns\/op|allocs\/item|live-MiB)$/) vals[name SUBSEP $(i+1)] = vals[name SUBSEP $(i+1)] " " $i
	names[name] = 1
}
END {
	for (f = 1; f <= 2; f++) {
		fmtn = f == 1 ? "json" : "xml"
		split("10 2000 100000", sizes, " ")
		for (s = 1; s <= 3; s++) {
			base = "BenchmarkCommunications/format=" fmtn "/items=" sizes[s] "/impl="
			if (!((base "sdk") in names)) continue
			sdk = median(base "sdk" SUBSEP "ns/op"); hand = median(base "handrolled" SUBSEP "ns/op"); floor = median(base "floor" SUBSEP "ns/op")
			printf "%-4s %6s items: sdk %12.0f ns  handrolled %12.0f ns  floor %10.0f ns  sdk/handrolled %.3f  sdk/floor %.2f  floor/handrolled %.3f  sdk allocs/item %.4f\n", \
				fmtn, sizes[s], sdk, hand, floor, sdk/hand, sdk/floor, floor/hand, median(base "sdk" SUBSEP "allocs/item")
		}
		for (impl = 1; impl <= 2; impl++) {
			k = "BenchmarkCommunicationsSeq/format=" fmtn "/items=200000/impl=" (impl == 1 ? "seq" : "slice")
			if (!(k in names)) continue
			printf "%-4s 200000 items %-10s: %12.0f ns  live-MiB %.3f  allocs/item %.4f\n", fmtn, (impl == 1 ? "seq" : "slice"), \
				median(k SUBSEP "ns/op"), median(k SUBSEP "live-MiB"), median(k SUBSEP "allocs/item")
		}
	}
}' "$out"
