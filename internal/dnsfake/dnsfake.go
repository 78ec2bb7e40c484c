// Package dnsfake is a test double of a recursive DNS resolver: a small
// server on 127.0.0.1 (UDP and TCP, the DNS wire format of RFC 1035) that
// answers A, AAAA and CNAME queries from a record source the way a
// recursive resolver does, the CNAME chain first, then the addresses of its
// end. Code under test reaches it through a *net.Resolver whose Dial goes
// to the double (Resolver), so the real Go resolver parses real answers.
// It imports nothing from the code it serves.
package dnsfake

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// Record is what a name holds: a CNAME to another name, or addresses
// (IPv4 only).
type Record struct {
	CNAME string
	A     []string
}

// Source answers what a name holds (lower case, no trailing dot); ok false
// is NXDOMAIN.
type Source func(name string) (r Record, ok bool)

// Zone is a Source whose records can change while the server runs.
type Zone struct {
	mu      sync.Mutex
	records map[string]Record
}

// NewZone returns a zone holding records (names in any case, with or
// without the trailing dot).
func NewZone(records map[string]Record) *Zone {
	z := &Zone{records: map[string]Record{}}
	for k, v := range records {
		z.Set(k, v)
	}
	return z
}

// Set replaces what name holds.
func (z *Zone) Set(name string, r Record) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.records[Canonical(name)] = r
}

// Lookup is the zone as a Source.
func (z *Zone) Lookup(name string) (Record, bool) {
	z.mu.Lock()
	defer z.mu.Unlock()
	r, ok := z.records[Canonical(name)]
	return r, ok
}

// Canonical lowers a name and drops its trailing dot.
func Canonical(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), ".")
}

// Server is the running double.
type Server struct {
	src  Source
	udp  net.PacketConn
	tcp  net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	asks map[string]int // "name TYPE" -> count
}

// Start serves src on 127.0.0.1 until Close, UDP and TCP on one port
// (Addr), as a DNS server listens.
func Start(src Source) (*Server, error) {
	var lastErr error
	for range 20 {
		udp, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("dnsfake: listen udp: %w", err)
		}
		tcp, err := net.Listen("tcp", udp.LocalAddr().String())
		if err != nil { // the port is taken for TCP: try another
			udp.Close()
			lastErr = err
			continue
		}
		s := &Server{src: src, udp: udp, tcp: tcp, asks: map[string]int{}}
		s.wg.Add(2)
		go s.serveUDP()
		go s.serveTCP()
		return s, nil
	}
	return nil, fmt.Errorf("dnsfake: listen tcp: %w", lastErr)
}

// Addr is the server's HOST:PORT (UDP and TCP).
func (s *Server) Addr() string { return s.udp.LocalAddr().String() }

// Close stops the server.
func (s *Server) Close() {
	s.udp.Close()
	s.tcp.Close()
	s.wg.Wait()
}

// Resolver is a Go resolver that asks only this server.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, s.Addr())
	}}
}

// Queries is how many queries asked for name (any type).
func (s *Server) Queries(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.asks {
		if strings.HasPrefix(k, Canonical(name)+" ") {
			n += v
		}
	}
	return n
}

func (s *Server) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 4096)
	for {
		n, addr, err := s.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		if out, ok := s.answer(buf[:n]); ok {
			_, _ = s.udp.WriteTo(out, addr)
		}
	}
}

func (s *Server) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			for {
				var l [2]byte
				if _, err := io.ReadFull(c, l[:]); err != nil {
					return
				}
				msg := make([]byte, binary.BigEndian.Uint16(l[:]))
				if _, err := io.ReadFull(c, msg); err != nil {
					return
				}
				out, ok := s.answer(msg)
				if !ok {
					return
				}
				binary.BigEndian.PutUint16(l[:], uint16(len(out)))
				if _, err := c.Write(append(l[:], out...)); err != nil {
					return
				}
			}
		}()
	}
}

// DNS types and codes used here.
const (
	typeA     = 1
	typeCNAME = 5
	typeAAAA  = 28
	classIN   = 1
	rcodeOK   = 0
	rcodeFail = 2 // SERVFAIL
	rcodeNX   = 3
	rcodeImpl = 4 // NOTIMP
	ttl       = 60
	maxChain  = 8
)

// answer builds the response to one query message.
func (s *Server) answer(q []byte) ([]byte, bool) {
	if len(q) < 12 {
		return nil, false
	}
	id, flags := binary.BigEndian.Uint16(q[0:]), binary.BigEndian.Uint16(q[2:])
	if flags&0x8000 != 0 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil, false // a response, or not exactly one question
	}
	name, end, err := readName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil, false
	}
	qtype, qclass := binary.BigEndian.Uint16(q[end:]), binary.BigEndian.Uint16(q[end+2:])
	question := q[12 : end+4]
	s.mu.Lock()
	s.asks[fmt.Sprintf("%s %d", Canonical(name), qtype)]++
	s.mu.Unlock()

	var answers [][]byte
	rcode := uint16(rcodeOK)
	switch {
	case qclass != classIN:
		rcode = rcodeImpl
	default:
		answers, rcode = s.resolve(Canonical(name), qtype)
	}
	out := make([]byte, 12, 512)
	binary.BigEndian.PutUint16(out[0:], id)
	// QR, the query's opcode and RD, RA, rcode.
	binary.BigEndian.PutUint16(out[2:], 0x8000|flags&0x7800|flags&0x0100|0x0080|rcode)
	binary.BigEndian.PutUint16(out[4:], 1)
	binary.BigEndian.PutUint16(out[6:], uint16(len(answers)))
	out = append(out, question...)
	for _, a := range answers {
		out = append(out, a...)
	}
	return out, true
}

// resolve follows the CNAME chain from name and returns the answer
// records for qtype.
func (s *Server) resolve(name string, qtype uint16) ([][]byte, uint16) {
	var out [][]byte
	for range maxChain {
		r, ok := s.src(name)
		if !ok {
			if len(out) > 0 {
				return out, rcodeOK // a dangling CNAME: the chain, no address
			}
			return nil, rcodeNX
		}
		if r.CNAME != "" {
			target := Canonical(r.CNAME)
			out = append(out, rr(name, typeCNAME, encodeName(target)))
			if qtype == typeCNAME {
				return out, rcodeOK
			}
			name = target
			continue
		}
		if qtype == typeA {
			for _, a := range r.A {
				ip := net.ParseIP(a).To4()
				if ip == nil {
					return nil, rcodeFail
				}
				out = append(out, rr(name, typeA, ip))
			}
		}
		return out, rcodeOK // AAAA, CNAME of a name without one: no data
	}
	return nil, rcodeFail // a loop
}

func rr(name string, typ uint16, data []byte) []byte {
	b := encodeName(name)
	var h [10]byte
	binary.BigEndian.PutUint16(h[0:], typ)
	binary.BigEndian.PutUint16(h[2:], classIN)
	binary.BigEndian.PutUint32(h[4:], ttl)
	binary.BigEndian.PutUint16(h[8:], uint16(len(data)))
	return append(append(b, h[:]...), data...)
}

func encodeName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" {
			continue
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// readName reads an uncompressed name at off (queries carry no
// compression pointers).
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	for {
		if off >= len(msg) {
			return "", 0, errors.New("name runs past the message")
		}
		l := int(msg[off])
		off++
		if l == 0 {
			return strings.Join(labels, ".") + ".", off, nil
		}
		if l > 63 || off+l > len(msg) {
			return "", 0, errors.New("bad label")
		}
		labels = append(labels, string(msg[off:off+l]))
		off += l
	}
}
