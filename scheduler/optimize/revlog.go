package optimize

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// RevlogColumns are the columns of the FSRS optimizer's revlog CSV that
// ReadRevlog needs; review_duration may be there too and is not used.
var RevlogColumns = []string{"card_id", "review_time", "review_rating", "review_state"}

// maxRevlogErrors is how many bad lines ReadRevlog reports before it stops.
const maxRevlogErrors = 10

// ReadRevlog reads a review log in the FSRS optimizer's CSV convention (the
// one flash export --revlog writes): a header naming at least the columns
// card_id, review_time (milliseconds since the Unix epoch), review_rating
// (1..4) and review_state (0 New, 1 Learning, 2 Review, 3 Relearning, 4
// Filtered, 5 Manual), in any order, then one review a line. Fields are
// plain (no quotes). Each bad line is an error naming name and the line,
// up to ten of them, joined; nothing is returned then.
func ReadRevlog(r io.Reader, name string) ([]Review, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	header, err := readLine(br)
	if err == io.EOF && len(header) == 0 {
		return nil, fmt.Errorf("%s: empty file; want a header %s", name, strings.Join(append(RevlogColumns, "review_duration"), ","))
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !utf8.Valid(header) {
		return nil, fmt.Errorf("%s:1: not UTF-8", name)
	}
	header = bytes.TrimPrefix(header, []byte("\ufeff"))
	cols := strings.Split(string(header), ",")
	at := map[string]int{}
	for i, c := range cols {
		at[strings.TrimSpace(c)] = i
	}
	idx := make([]int, len(RevlogColumns))
	var missing []string
	for i, c := range RevlogColumns {
		j, ok := at[c]
		if !ok {
			missing = append(missing, c)
		}
		idx[i] = j
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s:1: missing column %s (the header is %q; want %s)", name, strings.Join(missing, ", "), string(header), strings.Join(append(RevlogColumns, "review_duration"), ","))
	}
	var out []Review
	fields := make([][]byte, 0, len(cols))
	for line := 2; ; line++ {
		b, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if len(b) == 0 && err == io.EOF {
			break
		}
		if len(bytes.TrimSpace(b)) == 0 {
			if err == io.EOF {
				break
			}
			continue
		}
		switch {
		case !utf8.Valid(b):
			bad(line, "not UTF-8")
		default:
			fields = fields[:0]
			for f := range bytes.SplitSeq(b, []byte{','}) {
				fields = append(fields, bytes.TrimSpace(f))
			}
			if len(fields) != len(cols) {
				bad(line, "%d fields, the header has %d", len(fields), len(cols))
				break
			}
			rv, msg := parseRevlogFields(fields, idx)
			if msg != "" {
				bad(line, "%s", msg)
				break
			}
			out = append(out, rv)
		}
		if len(errs) >= maxRevlogErrors {
			errs = append(errs, fmt.Errorf("%s: stopped after %d bad lines", name, maxRevlogErrors))
			break
		}
		if err == io.EOF {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoReviews)
	}
	return out, nil
}

// readLine returns the next line without its line ending (\n or \r\n).
func readLine(br *bufio.Reader) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer: collect it.
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull {
			b, err = br.ReadSlice('\n')
			long = append(long, b...)
			if len(long) > 1<<20 {
				return nil, errors.New("line longer than 1 MiB")
			}
		}
		b = long
	}
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, err
}

// parseRevlogFields reads one line's fields; msg says what is wrong.
func parseRevlogFields(f [][]byte, idx []int) (Review, string) {
	var r Review
	card, err := strconv.ParseInt(string(f[idx[0]]), 10, 64)
	if err != nil {
		return r, fmt.Sprintf("card_id %q is not an integer", f[idx[0]])
	}
	t, err := strconv.ParseInt(string(f[idx[1]]), 10, 64)
	if err != nil || t < 0 {
		return r, fmt.Sprintf("review_time %q is not a time in milliseconds since 1970", f[idx[1]])
	}
	rating, err := strconv.Atoi(string(f[idx[2]]))
	if err != nil || rating < 1 || rating > 4 {
		return r, fmt.Sprintf("review_rating %q is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)", f[idx[2]])
	}
	state, err := strconv.Atoi(string(f[idx[3]]))
	if err != nil || state < 0 || state > 5 {
		return r, fmt.Sprintf("review_state %q is not 0..5 (New, Learning, Review, Relearning, Filtered, Manual)", f[idx[3]])
	}
	return Review{Card: uint64(card), Time: t, Rating: int8(rating), State: int8(state)}, ""
}
