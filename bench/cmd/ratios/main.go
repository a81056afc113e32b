// Command ratios reads the output of the bench module's benchmarks (one or
// more files of `go test -bench` lines, as many samples of each as there
// were rounds) and prints, for each cell (a benchmark name without its
// impl=... element), the medians of the SDK and of the others and the
// ratios the goals are stated in: sdk/stdlib, sdk/fastest third-party
// library, sdk/floor, on ns/op, cpu-ns/op and the least disturbed
// (minimum) ns/op; then the SDK-only memory figures (peak/result,
// live-MiB, ...) with their median and worst sample.
//
//	go run ./cmd/ratios /tmp/bench-compare/raw.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// thirdParty are the impl names that count as "a third-party library".
var thirdParty = []string{"sonic", "goccy", "segmentio", "jsonexp"}

// samples holds the values of one cell: impl -> unit -> samples.
type samples map[string]map[string][]float64

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ratios FILE...")
		os.Exit(2)
	}
	cells := map[string]samples{}
	var order []string
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		order = parse(f, cells, order)
		f.Close()
	}
	if len(cells) == 0 {
		fmt.Fprintln(os.Stderr, "ratios: no benchmark lines with an impl= element")
		os.Exit(1)
	}
	printComparisons(os.Stdout, cells, order)
	printMemory(os.Stdout, cells, order)
}

// parse adds the benchmark lines of r to cells and returns order with the
// cells seen for the first time appended.
func parse(r io.Reader, cells map[string]samples, order []string) []string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the GOMAXPROCS suffix
			}
		}
		var cell []string
		impl := ""
		for _, el := range strings.Split(strings.TrimPrefix(name, "Benchmark"), "/") {
			if v, ok := strings.CutPrefix(el, "impl="); ok {
				impl = v
			} else {
				cell = append(cell, el)
			}
		}
		if impl == "" {
			continue
		}
		key := strings.Join(cell, "/")
		s, ok := cells[key]
		if !ok {
			s = samples{}
			cells[key] = s
			order = append(order, key)
		}
		if s[impl] == nil {
			s[impl] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			s[impl][fields[i+1]] = append(s[impl][fields[i+1]], v)
		}
	}
	return order
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minimum(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return slices.Min(v)
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", a/b)
}

func dur(ns float64) string {
	switch {
	case ns == 0:
		return "-"
	case ns >= 1e6:
		return fmt.Sprintf("%.2fms", ns/1e6)
	default:
		return fmt.Sprintf("%.1fµs", ns/1e3)
	}
}

// printComparisons prints the cells where the SDK is compared with others.
func printComparisons(w io.Writer, cells map[string]samples, order []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "cell\tfigure\tsdk\tstdlib\tsdk/stdlib\tfastest lib\tsdk/fastest\tfloor\tsdk/floor\tsdk allocs/item\tstdlib allocs/item\t")
	for _, key := range order {
		s := cells[key]
		if s["sdk"] == nil || len(s) < 2 {
			continue
		}
		figures := []struct {
			label, unit string
			stat        func([]float64) float64
		}{
			{"ns/op", "ns/op", median},
			{"cpu-ns/op", "cpu-ns/op", median},
			{"min ns/op", "ns/op", minimum},
		}
		for i, fg := range figures {
			sdk := fg.stat(s["sdk"][fg.unit])
			if sdk == 0 {
				continue
			}
			std := fg.stat(s["stdlib"][fg.unit])
			flr := fg.stat(s["floor"][fg.unit])
			best, bestName := 0.0, "-"
			for _, lib := range thirdParty {
				if v := fg.stat(s[lib][fg.unit]); v > 0 && (best == 0 || v < best) {
					best, bestName = v, lib
				}
			}
			label, allocs, stdAllocs := "", "", ""
			if i == 0 {
				label = key
				allocs = fmt.Sprintf("%.3f", median(s["sdk"]["allocs/item"]))
				stdAllocs = fmt.Sprintf("%.3f", median(s["stdlib"]["allocs/item"]))
			}
			fastest := "-"
			if best > 0 {
				fastest = bestName + " " + dur(best)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", label, fg.label,
				dur(sdk), dur(std), ratio(sdk, std), fastest, ratio(sdk, best), dur(flr), ratio(sdk, flr), allocs, stdAllocs)
		}
	}
	tw.Flush()
}

// memUnits are the metrics printed for SDK-only cells, median and worst.
var memUnits = []string{"peak/result", "alloc/result", "peak-MiB", "result-MiB", "live-MiB", "allocs/item", "ns/op"}

// printMemory prints the cells that measure the SDK alone.
func printMemory(w io.Writer, cells map[string]samples, order []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := false
	for _, key := range order {
		s := cells[key]
		if len(s) != 1 {
			continue
		}
		for impl, units := range s {
			if !header {
				fmt.Fprintln(w)
				fmt.Fprintln(tw, "cell\timpl\tfigure\tmedian\tworst\tsamples\t")
				header = true
			}
			for _, u := range memUnits {
				v := units[u]
				if len(v) == 0 {
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.4g\t%.4g\t%d\t\n", key, impl, u, median(v), slices.Max(v), len(v))
			}
		}
	}
	tw.Flush()
}
