// Package bench holds benchmarks that compare the which50 SDK with the
// standard library and with the fastest third-party Go JSON libraries
// (bytedance/sonic, goccy/go-json, segmentio/encoding,
// go-json-experiment/json) on realistic payloads served over loopback.
//
// It is a module of its own, so that none of the comparison libraries ever
// enters the SDK's go.mod; a replace directive points it at the SDK in the
// parent directory. The package has no API: everything is in its tests.
//
//	cd bench && go test -run '^$' -bench . -benchmem
//	scripts/bench-compare.sh 3 /tmp/bench-compare    # from the repository root
//
// BENCHMARKS.md ("Against the fastest Go JSON libraries") has the method
// and the figures.
package bench
