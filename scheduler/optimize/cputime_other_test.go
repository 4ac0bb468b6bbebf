//go:build !unix

package optimize

import "time"

// cpuTime is not measured here; the cpu-ns metric then reads 0.
func cpuTime() time.Duration { return 0 }
