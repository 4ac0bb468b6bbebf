package storage

import "syscall"

const populateFlag = syscall.MAP_POPULATE
