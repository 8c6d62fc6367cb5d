package parse

import (
	"bufio"
	"sync"
)

// Reading a folder of a thousand small exports opens a thousand inputs,
// and each needs a read buffer and a framing buffer of a few hundred
// kilobytes. Fresh buffers would be allocated, cleared and collected per
// file; these pools hand the buffers of closed inputs to the next ones.

// bufferPool pools byte slices of one size.
type bufferPool struct {
	size int
	pool sync.Pool // *[]byte
}

func (p *bufferPool) get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return (*b)[:p.size]
	}
	return make([]byte, p.size)
}

// put returns b to the pool, unless it is not one of the pool's (a buffer
// that grew for a large record is left to the collector).
func (p *bufferPool) put(b []byte) {
	if cap(b) != p.size {
		return
	}
	p.pool.Put(&b)
}

var (
	jsonFrameBuffers = &bufferPool{size: jsonSplitterBuffer}
	csvFrameBuffers  = &bufferPool{size: csvBufferSize}
	readBuffers      sync.Pool // *bufio.Reader of readBufferSize
)

// getReadBuffer returns a pooled bufio.Reader of readBufferSize reading rd.
func getReadBuffer(rd interface{ Read([]byte) (int, error) }) *bufio.Reader {
	if br, ok := readBuffers.Get().(*bufio.Reader); ok {
		br.Reset(rd)
		return br
	}
	return bufio.NewReaderSize(rd, readBufferSize)
}

func putReadBuffer(br *bufio.Reader) {
	br.Reset(nil)
	readBuffers.Put(br)
}

// A releaser gives its buffers back when its input is closed.
type releaser interface {
	release()
}
