package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/which50-go/which50"
)

// stateVersion is the version of the state file's format; a file of
// another version is refused rather than misread.
const stateVersion = 1

// syncState is the -state file: which interactions of which contacts the
// output holds, and how much of the output is committed. It is JSON, so
// that a person can read it:
//
//	{"version":1,"output":"/abs/out.jsonl","format":"jsonl","outputBytes":48210,
//	 "run":2,"complete":false,
//	 "contacts":{"k4X...==":{"run":2,"occurred":"2026-11-19T12:34:56.1234567+10:00","ids":[912345]}}}
//
// A run is one pass over the contacts; a run that is cut (a crash, a kill,
// Ctrl-C, a failed contact) keeps its number until a later invocation
// finishes it. A contact whose entry carries the current run's number is
// done in that run.
type syncState struct {
	Version int    `json:"version"`
	Output  string `json:"output"` // the output file, as an absolute path
	Format  string `json:"format"` // jsonl or csv
	// OutputBytes is the length of the output that is written and synced:
	// every line before it is covered by Contacts, and nothing after it is.
	OutputBytes int64 `json:"outputBytes"`
	Run         int   `json:"run"`
	// Full says the run rewrites the output from its start (-full).
	Full bool `json:"full,omitempty"`
	// Complete says the run exported every contact it was given: the next
	// invocation starts a new run.
	Complete bool                    `json:"complete"`
	Contacts map[string]contactState `json:"contacts"`
}

// contactState is what the output holds of one contact.
type contactState struct {
	// Run is the run that last exported the contact.
	Run int `json:"run"`
	cursor
}

// cursor marks the interactions of a contact that are written: every one
// that occurred before Occurred, and those at Occurred whose ids are in
// IDs. The zero cursor marks none.
type cursor struct {
	Occurred time.Time `json:"occurred,omitzero"`
	IDs      []int64   `json:"ids,omitempty"`
}

// after reports whether it is past the cursor: not yet written.
// Instants compare as instants, whatever their offsets.
func (c cursor) after(it *which50.ContactInteraction) bool {
	switch it.Occurred.Compare(c.Occurred) {
	case 1:
		return true
	case 0:
		return !slices.Contains(c.IDs, it.ID)
	}
	return false
}

// advance returns the items past the cursor, in their order, and the
// cursor that marks them written too.
func (c cursor) advance(items []which50.ContactInteraction) ([]which50.ContactInteraction, cursor) {
	next := cursor{Occurred: c.Occurred, IDs: slices.Clone(c.IDs)}
	fresh := items[:0:0]
	for i := range items {
		it := &items[i]
		if !c.after(it) {
			continue
		}
		fresh = append(fresh, *it)
		switch it.Occurred.Compare(next.Occurred) {
		case 1:
			next = cursor{Occurred: it.Occurred, IDs: []int64{it.ID}}
		case 0:
			if !slices.Contains(next.IDs, it.ID) {
				next.IDs = append(next.IDs, it.ID)
			}
		}
	}
	slices.Sort(next.IDs)
	return fresh, next
}

// errNoState is returned by loadState when the file does not exist.
var errNoState = errors.New("no state file")

// loadState reads the state file name.
func loadState(name string) (*syncState, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoState
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	var st syncState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("read state %s: %w", name, err)
	}
	switch {
	case st.Version != stateVersion:
		return nil, fmt.Errorf("read state %s: version %d, want %d", name, st.Version, stateVersion)
	case st.OutputBytes < 0 || st.Run < 0 || st.Output == "" || (st.Format != "jsonl" && st.Format != "csv"):
		return nil, fmt.Errorf("read state %s: not a state file of this program", name)
	}
	if st.Contacts == nil {
		st.Contacts = map[string]contactState{}
	}
	return &st, nil
}

// save replaces the state file name with st, atomically: the new state is
// written to a temporary file beside it and synced, renamed over the old
// one, and the directory synced, so that after a crash the file holds
// either the old state or the new one, whole.
func (st *syncState) save(name string) error {
	b, err := st.marshal()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(name, b); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// marshal returns the state file's content.
func (st *syncState) marshal() ([]byte, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("write state: %w", err)
	}
	return append(b, '\n'), nil
}

// writeFileAtomic replaces the file name with data: temporary file, fsync,
// rename, fsync of the directory.
func writeFileAtomic(name string, data []byte) error {
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(name))
}

// syncDir makes a rename in dir durable. Windows cannot open a directory
// for syncing, and its renames need no such step.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// openState reads the -state file, if there is one, and checks that it is
// the state of the output and format cfg asks for. It returns a state
// whose Run is 0 when there is no file yet.
func openState(cfg config) (*syncState, error) {
	abs, err := filepath.Abs(cfg.outFile)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", cfg.outFile, err)
	}
	st, err := loadState(cfg.stateFile)
	if errors.Is(err, errNoState) {
		return &syncState{Version: stateVersion, Output: abs, Format: cfg.output, Contacts: map[string]contactState{}, Complete: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if st.Output != abs {
		return nil, usageError{fmt.Sprintf("-state %s is the state of the output %s, not of -o %s: use that output, or a new state file", cfg.stateFile, st.Output, abs)}
	}
	if st.Format != cfg.output {
		return nil, usageError{fmt.Sprintf("-state %s is the state of %s output; -output %s would mix formats in %s", cfg.stateFile, st.Format, cfg.output, cfg.outFile)}
	}
	return st, nil
}

// beginRun decides the run (a cut run resumes; otherwise a new one starts,
// incremental or, with -full, from scratch), saves the state that starts
// it, and opens the output cut back to the length the state covers, ready
// to append.
func (ex *exporter) beginRun(stderr io.Writer) (*os.File, error) {
	st, cfg := ex.st, ex.cfg
	resumed := !st.Complete && (st.Full || !cfg.full)
	if !resumed {
		st.Run++
		st.Complete = false
		st.Full = cfg.full
		if cfg.full {
			st.OutputBytes = 0
			clear(st.Contacts)
		}
	}
	f, err := os.OpenFile(cfg.outFile, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open output: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() < st.OutputBytes {
		f.Close()
		return nil, fmt.Errorf("%s holds %d bytes, fewer than the %d the state %s says are written: it was changed by something else; move the state file away to start over", cfg.outFile, fi.Size(), st.OutputBytes, cfg.stateFile)
	}
	// The state is saved before the output is cut: a crash in between
	// leaves a state whose length the output still has.
	if err == nil {
		err = st.save(cfg.stateFile)
	}
	var cut int64 // bytes after the last checkpoint
	if err == nil && fi.Size() > st.OutputBytes {
		cut = fi.Size() - st.OutputBytes
		err = f.Truncate(st.OutputBytes)
	}
	if err == nil {
		_, err = f.Seek(st.OutputBytes, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open output: %w", err)
	}
	switch {
	case resumed:
		fmt.Fprintf(stderr, "export: resuming run %d of %s at byte %d of %s", st.Run, cfg.stateFile, st.OutputBytes, cfg.outFile)
	case st.Run == 1:
		fmt.Fprintf(stderr, "export: run 1 of %s: every interaction to %s", cfg.stateFile, cfg.outFile)
	case cfg.full:
		fmt.Fprintf(stderr, "export: run %d of %s: -full, rewriting %s", st.Run, cfg.stateFile, cfg.outFile)
	default:
		fmt.Fprintf(stderr, "export: run %d of %s: appending what is new to %s", st.Run, cfg.stateFile, cfg.outFile)
	}
	if cut > 0 && st.OutputBytes > 0 {
		fmt.Fprintf(stderr, " (%d bytes after the last checkpoint cut off)", cut)
	}
	fmt.Fprintln(stderr)
	return f, nil
}

// checkpointDone is the end of a checkpoint: how long it took, from the
// snapshot to the saved state, and its error.
type checkpointDone struct {
	took time.Duration
	err  error
}

// startCheckpoint commits what the writer has written, in the background:
// the writer flushes the output and takes a snapshot of the state with the
// output's length, then goes on writing while another goroutine fsyncs the
// output and only then saves the snapshot. (An fsync covers at least every
// byte written before it began, so the lines the snapshot covers are on
// disk before it is.) The result arrives on the channel returned.
func (ex *exporter) startCheckpoint() <-chan checkpointDone {
	done := make(chan checkpointDone, 1)
	if err := ex.w.w.Flush(); err != nil {
		done <- checkpointDone{err: fmt.Errorf("write output: %w", err)}
		return done
	}
	start := time.Now()
	ex.st.OutputBytes = ex.w.n
	b, err := ex.st.marshal()
	if err != nil {
		done <- checkpointDone{err: err}
		return done
	}
	ex.dirty = false
	ex.lastCheckpoint = time.Now()
	go func() {
		err := ex.file.Sync()
		if err != nil {
			err = fmt.Errorf("sync output: %w", err)
		} else if err = writeFileAtomic(ex.cfg.stateFile, b); err != nil {
			err = fmt.Errorf("write state: %w", err)
		}
		done <- checkpointDone{took: time.Since(start), err: err}
	}()
	return done
}

// checkpoint commits what the writer has written and waits until it is
// done.
func (ex *exporter) checkpoint() error {
	return ex.finishCheckpoint(<-ex.startCheckpoint())
}

// finishCheckpoint notes a checkpoint's end.
func (ex *exporter) finishCheckpoint(d checkpointDone) error {
	if d.err != nil {
		return d.err
	}
	ex.checkpoints++
	ex.checkpointCost = d.took
	return nil
}
