#!/usr/bin/env bash
# export-crash-test.sh proves that examples/export with -state writes every
# line exactly once however it is stopped: it kills the program with SIGKILL
# at random moments, resumes it each time with the same -state and -o, and
# compares the output with that of runs nobody interrupted.
#
#   scripts/export-crash-test.sh [kills]      # default 20
#
# Two phases, each on the deterministic embedded demo (the same data in every
# process, so a resumed process sees what the killed one saw):
#
#   1. a first export of every contact, killed `kills` times;
#   2. an incremental run after new interactions (-demo-extra 2), killed
#      kills/4 times (at least once).
#
# Each phase is checked against a reference made by the same commands run to
# the end without a kill: the same lines, as a set and in number, none
# repeated, none missing (and whether the files are byte for byte the same,
# which they are unless a contact failed). When a run ends before its kill,
# its output is checked too and the phase starts over, so every finished
# output is checked and every kill counted is a kill of a running process.
#
# Environment: CONTACTS (default 1000), LATENCY (2ms), CONCURRENCY (8),
# CHECKPOINT (50ms; the program's default is 250ms), OUTPUT (jsonl or csv),
# KEEP=1 to keep the work directory. Exit status 0 when every check passed.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

kills=${1:-20}
contacts=${CONTACTS:-1000}
latency=${LATENCY:-2ms}
concurrency=${CONCURRENCY:-8}
checkpoint=${CHECKPOINT:-50ms}
output=${OUTPUT:-jsonl}

work=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then
	echo "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi
# The embedded demo, never a real API.
unset WHICH50_BASE_URL WHICH50_TOKEN WHICH50_API_KEY WHICH50_API_KEY_HEADER

bin=$work/export
go build -o "$bin" ./examples/export
demo=(-demo-contacts "$contacts" -demo-latency "$latency" -concurrency "$concurrency" -checkpoint "$checkpoint" -output "$output")

now_ms() { date +%s%3N; }

# The references: both phases run to the end, through a state of their own.
t0=$(now_ms)
"$bin" "${demo[@]}" -state "$work/ref.state" -o "$work/ref.jsonl" 2>"$work/ref.log"
t1=$(now_ms)
cp "$work/ref.jsonl" "$work/ref1.jsonl"
"$bin" "${demo[@]}" -demo-extra 2 -state "$work/ref.state" -o "$work/ref.jsonl" 2>>"$work/ref.log"
cp "$work/ref.jsonl" "$work/ref2.jsonl"
span=$((t1 - t0)) # how long a whole run takes: kills fall within it
echo "reference: $(wc -l <"$work/ref1.jsonl") lines, then $(($(wc -l <"$work/ref2.jsonl") - $(wc -l <"$work/ref1.jsonl"))) new ones; a run takes ${span} ms"

state=$work/state.json
out=$work/out.jsonl
log=$work/runs.log

# check compares $out with the reference $1.
check() {
	local ref=$1 what=$2
	local got want dups missing extra
	got=$(wc -l <"$out")
	want=$(wc -l <"$ref")
	dups=$(sort "$out" | uniq -d | wc -l)
	missing=$(comm -23 <(sort "$ref") <(sort -u "$out") | wc -l)
	extra=$(comm -13 <(sort "$ref") <(sort -u "$out") | wc -l)
	if [ "$got" != "$want" ] || [ "$dups" != 0 ] || [ "$missing" != 0 ] || [ "$extra" != 0 ] || [ "$(tail -c 1 "$out" | od -An -c | tr -d ' ')" != '\n' ]; then
		echo "FAIL $what: $got lines (want $want), $dups repeated, $missing missing, $extra not in the reference"
		echo "runs: $log"
		KEEP=1
		trap - EXIT
		echo "work directory kept: $work"
		exit 1
	fi
	local same="byte for byte the same"
	cmp -s "$out" "$ref" || same="the same lines, in another order"
	echo "ok $what: $got lines, none repeated, none missing ($same)"
}

# phase runs the export with the extra flags "$@" until it has been killed
# $1 times, then to its end, and checks the output against $2. $3 is the
# command that resets the state and output when a run ends unkilled.
phase() {
	local want=$1 ref=$2 reset=$3
	shift 3
	local killed=0 finished=0 rc pid delay
	while [ "$killed" -lt "$want" ]; do
		"$bin" "${demo[@]}" "$@" -state "$state" -o "$out" 2>>"$log" &
		pid=$!
		delay=$((RANDOM % (span + 1)))
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" 2>/dev/null || rc=$? # no "Killed" notice
		case $rc in
		137) killed=$((killed + 1)) ;;
		0)
			finished=$((finished + 1))
			check "$ref" "a run that ended before its kill"
			$reset
			;;
		*)
			echo "FAIL: the export exited $rc; runs: $log"
			exit 1
			;;
		esac
	done
	"$bin" "${demo[@]}" "$@" -state "$state" -o "$out" 2>>"$log"
	echo "$killed kills ($finished runs ended first and were checked)"
	check "$ref" "resumed after the last kill"
}

reset1() { rm -f "$state" "$out"; }
reset2() { cp "$work/base.state" "$state" && cp "$work/base.jsonl" "$out"; }

echo "== phase 1: a first export, killed $kills times"
reset1
phase "$kills" "$work/ref1.jsonl" reset1
cp "$state" "$work/base.state"
cp "$out" "$work/base.jsonl"

kills2=$((kills / 4 > 0 ? kills / 4 : 1))
echo "== phase 2: an incremental run after new interactions, killed $kills2 times"
phase "$kills2" "$work/ref2.jsonl" reset2 -demo-extra 2
echo "PASS"
