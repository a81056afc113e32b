//go:build unix

package bench

import "syscall"

// offHeap returns n bytes of memory outside the Go heap (an anonymous
// mapping), for the large bodies the loopback server sends. Kept on the
// heap, hundreds of megabytes of server data would raise the GC's heap goal
// and so the client's measured peak, which a real, remote server's data
// never does. The mapping lives as long as the process.
func offHeap(n int) []byte {
	if n == 0 {
		return nil
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n)
	}
	return b
}
