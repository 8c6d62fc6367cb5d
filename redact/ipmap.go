package redact

import (
	"crypto/aes"
	"crypto/cipher"
	"net/netip"
)

// prefixMap is a keyed, prefix-preserving pseudonymization of addresses of
// one family, after Crypto-PAn (Xu, Fan, Ammar, Moon, 2002): bit i of the
// output is bit i of the input XOR a keyed pseudorandom function of the
// input's first i bits. Two addresses that share their first n bits
// therefore map to two addresses that share exactly their first n bits, so
// an address lies in a CIDR range if and only if its pseudonym lies in the
// range's pseudonym: named-location checks give the same answers after
// redaction. The function is a bijection on the address space; ipMaps
// then moves its result into a synthetic block, at the cost of a few bits.
//
// The pseudorandom function is AES-128 of the first i bits padded with a
// secret pad, of which the first output bit is taken, as in Crypto-PAn.
type prefixMap struct {
	block cipher.Block
	pad   [16]byte
}

// newPrefixMap builds the map from 32 bytes of key material: an AES key and
// the seed of the pad.
func newPrefixMap(material []byte) *prefixMap {
	block, err := aes.NewCipher(material[:16])
	if err != nil {
		panic(err) // A 16-byte key is always valid.
	}
	m := &prefixMap{block: block}
	block.Encrypt(m.pad[:], material[16:32])
	return m
}

// apply maps the first bits bits of addr (big-endian, bits ≤ 128); the
// other bits of the result are zero.
func (m *prefixMap) apply(addr [16]byte, bits int) [16]byte {
	var out [16]byte
	cur := m.pad
	var enc [16]byte
	for i := 0; i < bits; i++ {
		m.block.Encrypt(enc[:], cur[:])
		byteIdx, mask := i/8, byte(0x80)>>(i%8)
		bit := addr[byteIdx] & mask
		if enc[0]&0x80 != 0 {
			bit ^= mask
		}
		out[byteIdx] |= bit
		// The next round sees one more bit of the input in place of the
		// pad.
		cur[byteIdx] = cur[byteIdx]&^mask | addr[byteIdx]&mask
	}
	return out
}

// Pseudonymous addresses lie in blocks that no real sign-in comes from, so
// that a reader can tell them from real addresses at a glance and cannot
// look them up: IPv4 addresses in 240.0.0.0/4 (reserved, "for future use",
// never routed) and IPv6 addresses in 3fff::/20 (reserved for
// documentation, RFC 9637). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
// become ::ffff: and the pseudonym of their IPv4 address, so that a caller
// seen in both forms keeps one identity and IPv4 ranges written in the
// mapped form still hold it.
//
// A block of 2^28 addresses cannot hold a bijection of 2^32: the map keeps
// 28 of the 32 bits of an IPv4 address and 108 of the 128 bits of an IPv6
// address. It applies the prefix-preserving map to the whole address and
// replaces the first 4 (IPv4) or 20 (IPv6) bits of the result with the
// block's prefix. So:
//
//   - two addresses that share their first n bits, n at least 4 (IPv4) or
//     20 (IPv6), have pseudonyms that share exactly their first n bits: an
//     address lies in a range of /4 or longer (/20 or longer) if and only
//     if its pseudonym lies in the range's pseudonym, which is what
//     named-location matching asks (named locations hold /8 to /32 and
//     /32 to /128 ranges);
//   - two addresses whose first 4 (20) bits differ have pseudonyms that
//     share some leading bits by chance, and may collide with a chance of
//     one in 2^28 (2^108) per pair;
//   - a range shorter than /4 (/20) becomes the whole block (and so holds
//     more pseudonyms than it held addresses); /0 stays /0.
//
// Run checks the second and third cases for the records' addresses and the
// named locations' ranges under the key in use (checkIPRelations) and notes
// each one, so that a customer never sends a copy whose analysis differs
// without being told.
const (
	synthetic4Bits = 4
	synthetic6Bits = 20
)

var (
	synthetic4 = [4]byte{0xf0}                    // 240.0.0.0/4
	synthetic6 = [16]byte{0x3f, 0xff, 0x00, 0x00} // 3fff::/20 (the third byte's high nibble is 0)
)

// ipMaps holds one prefixMap per address family, so that an IPv4 address
// and an IPv6 address that happen to share leading bits are unrelated.
type ipMaps struct {
	v4, v6 *prefixMap
}

// mappedPrefixBits is the length of ::ffff:0:0/96, the IPv4-mapped range.
const mappedPrefixBits = 96

// addr maps an address into its family's synthetic block; a zone is kept.
func (m ipMaps) addr(a netip.Addr) netip.Addr {
	zone := a.Zone()
	var out netip.Addr
	switch {
	case a.Is4():
		out = netip.AddrFrom4(m.addr4(a.As4()))
	case a.Is4In6():
		v4 := m.addr4(a.Unmap().As4())
		out = netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: v4[0], 13: v4[1], 14: v4[2], 15: v4[3]})
	default:
		out = netip.AddrFrom16(m.addr6(a.As16()))
	}
	if zone != "" {
		out = out.WithZone(zone)
	}
	return out
}

func (m ipMaps) addr4(v4 [4]byte) [4]byte {
	var in [16]byte
	copy(in[:], v4[:])
	b := m.v4.apply(in, 32)
	return [4]byte{synthetic4[0] | b[0]&0x0f, b[1], b[2], b[3]}
}

func (m ipMaps) addr6(a [16]byte) [16]byte {
	out := m.v6.apply(a, 128)
	out[0], out[1] = synthetic6[0], synthetic6[1]
	out[2] = synthetic6[2] | out[2]&0x0f
	return out
}

// onMappedPath reports whether the first bits bits of a follow
// ::ffff:0:0/96 (bits ≤ 96): the range a/bits holds the IPv4-mapped range
// or is it.
func onMappedPath(a [16]byte, bits int) bool {
	mapped := [16]byte{10: 0xff, 11: 0xff}
	for i := 0; i < bits; i++ {
		if bitAt(a, i) != bitAt(mapped, i) {
			return false
		}
	}
	return true
}

func bitAt(b [16]byte, i int) byte { return b[i/8] >> (7 - i%8) & 1 }

// prefix maps a CIDR range: the pseudonym of its address with the same
// prefix length, which holds exactly the pseudonyms of the addresses the
// range holds (see the block comment above for ranges shorter than the
// synthetic block's prefix). A range written with host bits keeps them
// pseudonymized; a range written masked stays masked. A range that holds
// the IPv4-mapped range (::ffff:0:0/96, ::/80) stays as it is, so that it
// still holds the pseudonyms of the mapped addresses.
func (m ipMaps) prefix(p netip.Prefix) netip.Prefix {
	a, bits := p.Addr().WithZone(""), p.Bits()
	var out netip.Prefix
	switch {
	case bits == 0:
		return p
	case a.Is4() && bits < synthetic4Bits:
		return netip.PrefixFrom(netip.AddrFrom4(synthetic4), synthetic4Bits)
	case a.Is6() && bits <= mappedPrefixBits && onMappedPath(a.As16(), bits):
		return p
	case a.Is4In6() && bits < mappedPrefixBits+synthetic4Bits:
		return netip.PrefixFrom(netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: synthetic4[0]}), mappedPrefixBits+synthetic4Bits)
	case a.Is6() && !a.Is4In6() && bits < synthetic6Bits:
		return netip.PrefixFrom(netip.AddrFrom16(synthetic6), synthetic6Bits)
	default:
		out = netip.PrefixFrom(m.addr(a), bits)
	}
	if p.Masked() == p {
		out = out.Masked()
	}
	return out
}
