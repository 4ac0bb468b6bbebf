//go:build !linux

package main

import "errors"

func evictFile(string) error { return errors.New("-evict works on Linux only") }
