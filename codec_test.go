package which50

import (
	"io"
	"unsafe"
)

// decodeJSON and decodeXML decode a list of interactions, the model the
// decoders' first tests, fuzz targets and benchmarks were written for.
func decodeJSON(r io.Reader, yield func(ContactInteraction) bool) error {
	return decodeInteractions(FormatJSON, r, yield)
}

func decodeXML(r io.Reader, yield func(ContactInteraction) bool) error {
	return decodeInteractions(FormatXML, r, yield)
}

func decodeInteractions(f Format, r io.Reader, yield func(ContactInteraction) bool) error {
	var it ContactInteraction
	return decodeList(f, r, interactionModel, unsafe.Pointer(&it), func() bool { return yield(it) })
}
