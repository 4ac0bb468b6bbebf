package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page: a 16-byte page header, then magic, version,
// page size, flags (uint32 each), root bucket (pgid, sequence), freelist
// pgid, high-water pgid, txid and an FNV-64a checksum of the fields before
// it, all in the machine's native byte order.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSize       = 64
	noFreelist     = ^uint64(0)
)

type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64
	txid     uint64
}

// header is what readHeader learns about an existing file.
type header struct {
	pageSize       int
	freelistSynced bool
}

// readHeader checks an existing file the way bbolt will, before bbolt maps
// it: both meta pages, their checksums, and that the file is as long as its
// meta page says. bbolt would fault reading pages past the end of a
// truncated file. It only reads the file.
func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, fmt.Errorf("open database %s: %w", path, unwrapPathErr(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return header{}, fmt.Errorf("open database %s: %w", path, unwrapPathErr(err))
	}
	if err := checkFileInfo(path, fi); err != nil {
		return header{}, err
	}
	size := fi.Size()

	m0, err0 := readMeta(f, 0)
	off := int64(os.Getpagesize())
	if err0 == nil {
		off = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, off)
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		if errors.Is(err0, errBadMagic) {
			return header{}, errNotFlash(path, "not a bbolt file", nil)
		}
		return header{}, errNotFlash(path, "both bbolt meta pages are damaged", err0)
	case err1 != nil || (err0 == nil && m0.txid >= m1.txid):
		m = m0
	default:
		m = m1
	}
	ps := uint64(m.pageSize)
	if ps < 512 || ps > 1<<20 || m.pgid < 2 || m.pgid > uint64(size)/ps {
		return header{}, errNotFlash(path, fmt.Sprintf("truncated: %d bytes, its header needs %d pages of %d", size, m.pgid, ps), nil)
	}
	if m.root >= m.pgid || (m.freelist != noFreelist && m.freelist >= m.pgid) {
		return header{}, errNotFlash(path, "bbolt meta page points past the end of the file", nil)
	}
	return header{pageSize: int(ps), freelistSynced: m.freelist != noFreelist}, nil
}

var errBadMagic = errors.New("bad magic number")

func readMeta(r io.ReaderAt, off int64) (boltMeta, error) {
	var buf [pageHeaderSize + metaSize]byte
	n, err := r.ReadAt(buf[:], off)
	b := buf[pageHeaderSize:]
	le := binary.NativeEndian
	if n < pageHeaderSize+4 || le.Uint32(b[0:]) != boltMagic {
		return boltMeta{}, errBadMagic
	}
	if n < len(buf) {
		return boltMeta{}, fmt.Errorf("read meta page: %w", err)
	}
	if v := le.Uint32(b[4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("bbolt file format %d, not %d", v, boltVersion)
	}
	h := fnv.New64a()
	h.Write(b[:56])
	if h.Sum64() != le.Uint64(b[56:]) {
		return boltMeta{}, errors.New("meta page checksum mismatch")
	}
	return boltMeta{
		pageSize: le.Uint32(b[8:]),
		root:     le.Uint64(b[16:]),
		freelist: le.Uint64(b[32:]),
		pgid:     le.Uint64(b[40:]),
		txid:     le.Uint64(b[48:]),
	}, nil
}
