//go:build !linux

package storage

const populateFlag = 0
