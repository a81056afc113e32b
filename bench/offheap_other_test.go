//go:build !unix

package bench

// offHeap returns n bytes; on this platform they are on the Go heap.
func offHeap(n int) []byte { return make([]byte, n) }
