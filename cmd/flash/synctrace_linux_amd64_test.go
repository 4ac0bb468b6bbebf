//go:build linux && amd64

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// A sysCall is one system call of a traced flash that bears on
// durability or on what flash tells the learner.
type sysCall struct {
	name string // "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "link", "rename", "mkdir", "read", "write", "pwrite"
	path string // the file the call's fd names (/proc/PID/fd), or its path argument
	to   string // link and rename: the new name
	data string // read from fd 0 and write to fd 1: the bytes (at most traceDataMax)
	// at and end count the stops of the trace when the call entered and
	// when it returned: calls are listed in the order they returned, and a
	// call that entered after another returned (at > end) came after it.
	at, end int
}

func (c sysCall) String() string {
	s := c.name + " " + c.path
	if c.to != "" {
		s += " → " + c.to
	}
	if c.data != "" {
		s += fmt.Sprintf(" %q", c.data)
	}
	return s
}

const traceDataMax = 512

const ptraceOExitKill = 0x100000 // PTRACE_O_EXITKILL: the tracee dies with the tracer

// traceFlash runs the flash binary with args and stdin under ptrace (as
// strace does, with no strace needed) and returns its stdout, its exit
// status and, in order, the system calls of every thread that sync a file
// or folder, name a file (link, rename, mkdir), read stdin, write stdout
// or write a file at an offset (pwrite, as bbolt writes its pages).
// A call that failed is left out.
func traceFlash(t *testing.T, stdin string, args ...string) (string, int, []sysCall) {
	t.Helper()
	// The tracer is the thread that started the child: every ptrace
	// call must come from it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(flashBinary(t), args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "TZ=UTC", "LANG=C.UTF-8"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, outW
	// Its own process group, so that waiting for -pgid sees only its
	// threads, not other children of the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	go func() {
		io.WriteString(inW, stdin)
		inW.Close()
	}()
	var out bytes.Buffer
	outDone := make(chan struct{})
	go func() {
		io.Copy(&out, outR)
		close(outDone)
	}()

	pid := cmd.Process.Pid
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil || !ws.Stopped() {
		t.Fatalf("traced flash did not stop at exec: %v %v", ws, err)
	}
	if err := syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACESYSGOOD|syscall.PTRACE_O_TRACECLONE|ptraceOExitKill); err != nil {
		t.Fatal(err)
	}
	if err := syscall.PtraceSyscall(pid, 0); err != nil {
		t.Fatal(err)
	}

	var calls []sysCall
	stops := 0
	inCall := map[int]bool{}   // thread → stopped at a syscall's entry
	entry := map[int]sysCall{} // thread → the call it entered (when one of interest)
	entryRegs := map[int]syscall.PtraceRegs{}
	status := -1
	for {
		tid, err := syscall.Wait4(-pid, &ws, syscall.WALL, nil)
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		if ws.Exited() || ws.Signaled() {
			if tid == pid {
				status = ws.ExitStatus()
				if ws.Signaled() {
					status = 128 + int(ws.Signal())
				}
				break
			}
			continue
		}
		if !ws.Stopped() {
			continue
		}
		sig := 0
		switch stop := ws.StopSignal(); {
		case stop == syscall.SIGTRAP|0x80: // a syscall stop
			var regs syscall.PtraceRegs
			if err := syscall.PtraceGetRegs(tid, &regs); err != nil {
				break // the thread is gone
			}
			stops++
			if !inCall[tid] {
				inCall[tid] = true
				if c, ok := callEntry(pid, tid, &regs); ok {
					c.at = stops
					entry[tid], entryRegs[tid] = c, regs
				} else {
					delete(entry, tid)
				}
				break
			}
			inCall[tid] = false
			c, ok := entry[tid]
			delete(entry, tid)
			if !ok || int64(regs.Rax) < 0 {
				break
			}
			c.end = stops
			if c.name == "read" {
				n := min(int(regs.Rax), traceDataMax)
				if n == 0 {
					break
				}
				c.data = peekString(tid, uintptr(entryRegs[tid].Rsi), n, false)
			}
			calls = append(calls, c)
		case stop == syscall.SIGTRAP && ws.TrapCause() == syscall.PTRACE_EVENT_CLONE:
		case stop == syscall.SIGTRAP, stop == syscall.SIGSTOP:
			// A new thread's first stop, or the exec: not a signal.
		default:
			sig = int(stop) // a real signal: deliver it
		}
		syscall.PtraceSyscall(tid, sig)
	}
	<-outDone
	return out.String(), status, calls
}

// callEntry decodes a syscall entry of interest.
func callEntry(pid, tid int, r *syscall.PtraceRegs) (sysCall, bool) {
	fdPath := func(fd uint64) string {
		p, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, fd))
		if err != nil {
			return fmt.Sprintf("fd %d", fd)
		}
		return p
	}
	str := func(addr uint64) string { return peekString(tid, uintptr(addr), 4096, true) }
	switch r.Orig_rax {
	case syscall.SYS_FSYNC:
		return sysCall{name: "fsync", path: fdPath(r.Rdi)}, true
	case syscall.SYS_FDATASYNC:
		return sysCall{name: "fdatasync", path: fdPath(r.Rdi)}, true
	case syscall.SYS_SYNC:
		return sysCall{name: "sync"}, true
	case 306: // syncfs
		return sysCall{name: "syncfs", path: fdPath(r.Rdi)}, true
	case syscall.SYS_SYNC_FILE_RANGE:
		return sysCall{name: "sync_file_range", path: fdPath(r.Rdi)}, true
	case syscall.SYS_LINKAT: // olddirfd, oldpath, newdirfd, newpath
		return sysCall{name: "link", path: str(r.Rsi), to: str(r.R10)}, true
	case syscall.SYS_RENAMEAT, 316: // renameat, renameat2
		return sysCall{name: "rename", path: str(r.Rsi), to: str(r.R10)}, true
	case syscall.SYS_RENAME:
		return sysCall{name: "rename", path: str(r.Rdi), to: str(r.Rsi)}, true
	case syscall.SYS_MKDIRAT:
		return sysCall{name: "mkdir", path: str(r.Rsi)}, true
	case syscall.SYS_READ:
		if r.Rdi == 0 {
			return sysCall{name: "read", path: "stdin"}, true
		}
	case syscall.SYS_PWRITE64:
		return sysCall{name: "pwrite", path: fdPath(r.Rdi)}, true
	case syscall.SYS_WRITE:
		if r.Rdi == 1 {
			n := min(int(r.Rdx), traceDataMax)
			return sysCall{name: "write", path: "stdout", data: peekString(tid, uintptr(r.Rsi), n, false)}, true
		}
	}
	return sysCall{}, false
}

// peekString reads n bytes of the tracee's memory at addr, up to a NUL when
// cstr is set.
func peekString(tid int, addr uintptr, n int, cstr bool) string {
	buf := make([]byte, n)
	got, _ := syscall.PtracePeekData(tid, addr, buf)
	buf = buf[:max(got, 0)]
	if cstr {
		if i := bytes.IndexByte(buf, 0); i >= 0 {
			buf = buf[:i]
		}
	}
	return string(buf)
}

// syncs reports whether calls sync path (fsync or fdatasync of a fd that
// names it).
func isSyncOf(c sysCall, path string) bool {
	return (c.name == "fsync" || c.name == "fdatasync") && strings.TrimSuffix(c.path, " (deleted)") == path
}
