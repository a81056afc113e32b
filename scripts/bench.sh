#!/usr/bin/env bash
# bench.sh runs the client-level benchmarks (bench_test.go) and prints
# benchstat tables plus the ratios BENCHMARKS.md reports.
#
#   scripts/bench.sh [rounds] [outfile]     # defaults: 6, /tmp/bench.txt
#
# The test binary is built once and run `rounds` times with -test.count 1,
# so that each round measures sdk, handrolled and floor close together in
# time: on a machine shared with other work, load that comes and goes then
# spreads over all three instead of landing on one. benchstat treats the
# rounds as it would -count samples.
#
# benchstat comes from the Go module proxy through `go run`; it is not a
# dependency of the module.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
out=${2:-/tmp/bench.txt}
bin=$(mktemp -d)/which50.test
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

go test -c -o "$bin" .
: >"$out"
for i in $(seq "$rounds"); do
	echo "== round $i/$rounds" >&2
	"$bin" -test.run '^$' -test.bench '^BenchmarkCommunications(Seq)?$' -test.benchmem -test.count 1 -test.timeout 30m | tee -a "$out"
done

echo
echo "== Communications: sdk vs handrolled vs floor"
$benchstat -filter '.name:Communications' -col /impl "$out"
echo
echo "== CommunicationsSeq vs Communications over 200,000 items"
$benchstat -filter '.name:CommunicationsSeq' -col /impl "$out"
echo
echo "== ratios: medians of ns/op and cpu-ns/op, and minimum ns/op (least disturbed sample)"
awk '
function stat(key, how,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	if (n == 0) return 0
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	if (how == "min") return a[1]
	if (how == "max") return a[n]
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i+1) ~ /^(ns\/op|cpu-ns\/op|allocs\/item|live-MiB)$/) vals[name SUBSEP $(i+1)] = vals[name SUBSEP $(i+1)] " " $i
	names[name] = 1
}
END {
	printf "%-4s %6s  %-9s %13s %13s %13s %9s %8s %9s\n", "fmt", "items", "figure", "sdk", "handrolled", "floor", "sdk/hand", "sdk/flr", "flr/hand"
	split("json xml", fmts, " "); split("10 2000 100000", sizes, " ")
	split("ns/op:median cpu-ns/op:median ns/op:min", figs, " ")
	for (f = 1; f <= 2; f++) {
		for (s = 1; s <= 3; s++) {
			base = "BenchmarkCommunications/format=" fmts[f] "/items=" sizes[s] "/impl="
			if (!((base "sdk") in names)) continue
			for (g = 1; g <= 3; g++) {
				split(figs[g], fg, ":")
				sdk = stat(base "sdk" SUBSEP fg[1], fg[2]); hand = stat(base "handrolled" SUBSEP fg[1], fg[2]); flr = stat(base "floor" SUBSEP fg[1], fg[2])
				if (sdk == 0 || hand == 0 || flr == 0) continue
				printf "%-4s %6s  %-9s %13.0f %13.0f %13.0f %9.3f %8.2f %9.3f\n", fmts[f], sizes[s], (fg[2] == "min" ? "min ns" : fg[1]), sdk, hand, flr, sdk/hand, sdk/flr, flr/hand
			}
			printf "%-4s %6s  allocs/item: sdk %.4f  handrolled %.4f  floor %.4f\n", fmts[f], sizes[s], \
				stat(base "sdk" SUBSEP "allocs/item", "median"), stat(base "handrolled" SUBSEP "allocs/item", "median"), stat(base "floor" SUBSEP "allocs/item", "median")
		}
		for (impl = 1; impl <= 2; impl++) {
			k = "BenchmarkCommunicationsSeq/format=" fmts[f] "/items=200000/impl=" (impl == 1 ? "seq" : "slice")
			if (!(k in names)) continue
			printf "%-4s 200000  %-6s ns/op %11.0f  cpu-ns/op %11.0f  live-MiB median %.3f max %.3f  allocs/item %.4f\n", fmts[f], (impl == 1 ? "seq" : "slice"), \
				stat(k SUBSEP "ns/op", "median"), stat(k SUBSEP "cpu-ns/op", "median"), stat(k SUBSEP "live-MiB", "median"), stat(k SUBSEP "live-MiB", "max"), stat(k SUBSEP "allocs/item", "median")
		}
	}
}' "$out"
