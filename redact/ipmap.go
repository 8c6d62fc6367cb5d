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
// redaction. The function is a bijection on the address space.
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

// ipMaps holds one prefixMap per address family, so that an IPv4 address
// and an IPv6 address that happen to share leading bits are unrelated.
type ipMaps struct {
	v4, v6 *prefixMap
}

// mappedPrefixBits is the length of ::ffff:0:0/96, the IPv4-mapped range.
const mappedPrefixBits = 96

// addr maps an address; a zone is kept. IPv6 addresses are mapped so that
// the IPv4-mapped range stays in place and its addresses go through the
// IPv4 map: ::ffff:192.0.2.1 becomes ::ffff: and the pseudonym of
// 192.0.2.1, and so still matches the IPv4 ranges it matched. For that, no
// bit is flipped while an address's leading bits follow ::ffff:0:0/96; the
// flip of every later bit still depends on the bits before it only, so the
// map stays prefix-preserving over the whole IPv6 space. (It keeps the
// first three bits of global unicast addresses, 2000::/3, which tells
// nothing.)
func (m ipMaps) addr(a netip.Addr) netip.Addr {
	zone := a.Zone()
	var out netip.Addr
	if a.Is4() {
		out = netip.AddrFrom4(m.addr4(a.As4()))
	} else {
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
	return [4]byte{b[0], b[1], b[2], b[3]}
}

func (m ipMaps) addr6(a [16]byte) [16]byte {
	mapped := [16]byte{10: 0xff, 11: 0xff}
	common := 0 // Leading bits a shares with ::ffff:0:0/96.
	for common < mappedPrefixBits && bitAt(a, common) == bitAt(mapped, common) {
		common++
	}
	if common == mappedPrefixBits {
		v4 := m.addr4([4]byte{a[12], a[13], a[14], a[15]})
		copy(a[12:], v4[:])
		return a
	}
	out := m.v6.apply(a, 128)
	// Bits 0..common are not flipped: their leading bits follow the
	// mapped range.
	for i := 0; i <= common; i++ {
		mask := byte(0x80) >> (i % 8)
		out[i/8] = out[i/8]&^mask | a[i/8]&mask
	}
	return out
}

func bitAt(b [16]byte, i int) byte { return b[i/8] >> (7 - i%8) & 1 }

// prefix maps a CIDR range: the pseudonym of its address with the same
// prefix length, which holds exactly the pseudonyms of the addresses the
// range holds. A range written with host bits keeps them pseudonymized; a
// range written masked stays masked.
func (m ipMaps) prefix(p netip.Prefix) netip.Prefix {
	a := p.Addr()
	out := netip.PrefixFrom(m.addr(a.WithZone("")), p.Bits())
	if p.Masked() == p {
		out = out.Masked()
	}
	return out
}
