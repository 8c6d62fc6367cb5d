package analyze

import (
	"sort"
	"strings"
)

// A WarningGroup is one warning of the inputs with every input it
// concerns, so that a note shared by hundreds of files is said once.
type WarningGroup struct {
	Text string `json:"text"`
	// Inputs are the inputs it concerns, in the order read, cut by Top.
	Inputs        []string `json:"inputs"`
	InputsOmitted int      `json:"inputsOmitted,omitempty"`
}

// warningGroups collects the inputs' warnings, each text once with every
// input it concerns, in the order they first appear. An input that could
// not be read is described by its error alone.
func warningGroups(inputs []InputSummary, top int) []WarningGroup {
	groups := []WarningGroup{}
	index := map[string]int{}
	add := func(msg, input string) {
		i, ok := index[msg]
		if !ok {
			i = len(groups)
			index[msg] = i
			groups = append(groups, WarningGroup{Text: msg})
		}
		g := &groups[i]
		if n := len(g.Inputs); n > 0 && g.Inputs[n-1] == input {
			return
		}
		if top > 0 && len(g.Inputs) >= top {
			g.InputsOmitted++
			return
		}
		g.Inputs = append(g.Inputs, input)
	}
	for _, in := range inputs {
		if in.Error != "" {
			add("not read: "+WithoutInputName(in.Error, in.Path), in.Path)
			continue
		}
		for _, w := range in.Warnings {
			add(WithoutInputName(w, in.Path), in.Path)
		}
	}
	return groups
}

// WithoutInputName removes a leading "name: " from a message about an
// input: reader notes and input errors sometimes repeat the input's name,
// which the report already shows next to them.
func WithoutInputName(msg, name string) string {
	return strings.TrimPrefix(msg, name+": ")
}

// cutInputs keeps at most top inputs (all when top <= 0), in the order
// read, choosing first those that need attention: not read, damaged, or
// with skipped records. It returns the kept inputs and how many it left
// out.
func cutInputs(inputs []InputSummary, top int) (kept []InputSummary, omitted int) {
	if top <= 0 || len(inputs) <= top {
		return inputs, 0
	}
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	attention := func(in *InputSummary) bool { return in.Error != "" || in.Skipped > 0 }
	sort.SliceStable(order, func(a, b int) bool {
		return attention(&inputs[order[a]]) && !attention(&inputs[order[b]])
	})
	keep := order[:top]
	sort.Ints(keep)
	for _, i := range keep {
		kept = append(kept, inputs[i])
	}
	return kept, len(inputs) - top
}
