package mover

import "fmt"

// joinErrors folds the errors of a group's parallel writes into one: a user at
// a terminal gets the count and the first cause, not the same refusal once
// per object.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%d objects failed, the first: %w", len(errs), errs[0])
}
