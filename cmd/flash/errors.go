package main

import (
	"errors"
	"fmt"
)

// usageError marks a mistake in how flash was called; it exits with code 2.
// cmd names the command whose usage the error message points to ("" for
// flash's own).
type usageError struct{ msg, cmd string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error; main prints it and exits 2.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitCode maps an error returned by run to the process exit status:
// 0 ok, 1 failure, 2 usage error.
func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	default:
		return 1
	}
}
