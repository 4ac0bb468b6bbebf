//go:build !linux

package main

import "errors"

func evictFromCache(path string) error {
	return errors.New("not supported on this system")
}
