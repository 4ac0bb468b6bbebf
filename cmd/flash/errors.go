package main

import (
	"errors"
	"fmt"
	"strings"
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

// bugError is a panic of flash's own code, caught by protect. storage
// reports a damaged file as an error, never as a panic; so a panic is a
// bug, and says so rather than blaming the database, which it leaves as it
// was (bbolt rolls back a write transaction that panics).
type bugError struct{ p any }

func (e *bugError) Error() string {
	msg := strings.Join(strings.Fields(fmt.Sprint(e.p)), " ")
	return "internal error (a bug in flash, please report it; the database is unchanged): " + msg
}

// protect runs fn, turning a panic in it into a one-line *bugError.
func protect(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &bugError{p: p}
		}
	}()
	return fn()
}
