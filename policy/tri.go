package policy

// Tri is a three-valued truth: what an export does not say is Unknown,
// never false. The zero value is Unknown.
type Tri uint8

// The three truths.
const (
	Unknown Tri = iota
	Yes
	No
)

func triOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// And is Kleene's conjunction: No wins, then Unknown.
func (t Tri) And(u Tri) Tri {
	switch {
	case t == No || u == No:
		return No
	case t == Yes && u == Yes:
		return Yes
	}
	return Unknown
}

// Or is Kleene's disjunction: Yes wins, then Unknown.
func (t Tri) Or(u Tri) Tri {
	switch {
	case t == Yes || u == Yes:
		return Yes
	case t == No && u == No:
		return No
	}
	return Unknown
}

// Not swaps Yes and No.
func (t Tri) Not() Tri {
	switch t {
	case Yes:
		return No
	case No:
		return Yes
	}
	return Unknown
}

// String returns "yes", "no" or "unknown".
func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return "unknown"
}
