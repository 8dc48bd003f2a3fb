package cmdline

import (
	"math"
	"strings"
)

// Number parsing as OpenSSH does it in C, because scp's accepted spellings (" +22", "1.5K")
// and its error texts come from these functions.

// cErrno is a C errno value; its text is glibc's strerror, which scp prints.
type cErrno string

const (
	ErrInvalid cErrno = "Invalid argument"              // EINVAL
	errRange   cErrno = "Numerical result out of range" // ERANGE
)

func (e cErrno) Error() string { return string(e) }

// Strtonum mirrors OpenBSD strtonum(3): s must be a whole decimal number within [lo, hi].
// errstr is "" on success, else "invalid", "too small" or "too large" as scp prints it.
func Strtonum(s string, lo, hi int64) (v int64, errstr string) {
	v, n, overflow := Strtoll(s)
	switch {
	case n == 0 || n != len(s):
		return 0, "invalid"
	case overflow && v == math.MinInt64, v < lo:
		return 0, "too small"
	case overflow && v == math.MaxInt64, v > hi:
		return 0, "too large"
	}
	return v, ""
}

// Strtoll mirrors C Strtoll(s, &end, 10): leading white space, an optional sign, then digits,
// saturating on overflow. n is how many bytes were used (0 if there was no number).
func Strtoll(s string) (v int64, n int, overflow bool) {
	i := skipSpace(s, 0)
	neg := i < len(s) && s[i] == '-'
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	start := i
	var u uint64
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := uint64(s[i] - '0')
		if u > (limit-d)/10 {
			overflow = true
		} else {
			u = u*10 + d
		}
	}
	if i == start {
		return 0, 0, false
	}
	if overflow {
		u = limit
	}
	if neg {
		return int64(-u), i, overflow // -(MaxInt64+1) wraps to MinInt64, as intended
	}
	return int64(u), i, overflow
}

// scaleChars and scaleFactors are scan_scaled's units: B K M G T P E, powers of 1024.
const scaleChars = "BKMGTPE"

var scaleFactors = [len(scaleChars)]int64{1, 1 << 10, 1 << 20, 1 << 30, 1 << 40, 1 << 50, 1 << 60}

// scaledMaxDigits is scan_scaled's MAX_DIGITS: 3 per unit.
const scaledMaxDigits = 3 * len(scaleChars)

// ScanScaled mirrors OpenBSD scan_scaled(3) as bundled with OpenSSH: "1.5K" is 1536, a
// fraction without a unit is dropped, and errors are EINVAL or ERANGE.
func ScanScaled(s string) (int64, error) {
	i := skipSpace(s, 0)
	sign := int64(0)
	for ; i < len(s) && (s[i] == '-' || s[i] == '+'); i++ {
		if sign != 0 {
			return 0, ErrInvalid
		}
		sign = 1
		if s[i] == '-' {
			sign = -1
		}
	}
	whole, fpart, fractDigits, i, err := scanDecimal(s, i)
	if err != nil {
		return 0, err
	}
	if sign != 0 {
		whole *= sign
	}
	if i == len(s) {
		return whole, nil
	}
	return applyScale(s[i:], whole, fpart, fractDigits, sign)
}

// scanDecimal reads digits with at most one '.' from s[i:]. fractDigits is 1 + the number of
// fraction digits kept (0 if there was no '.'), the way scan_scaled counts them.
func scanDecimal(s string, i int) (whole, fpart int64, fractDigits, end int, err error) {
	ndigits := 0
	for ; i < len(s) && (isDigit(s[i]) || s[i] == '.'); i++ {
		if s[i] == '.' {
			if fractDigits > 0 {
				return 0, 0, 0, 0, ErrInvalid
			}
			fractDigits = 1
			continue
		}
		d := int64(s[i] - '0')
		if fractDigits > 0 {
			if fractDigits >= scaledMaxDigits-1 {
				continue // extra fraction digits are ignored
			}
			fractDigits++
			if fpart, err = mulAdd(fpart, d); err != nil {
				return 0, 0, 0, 0, err
			}
			continue
		}
		if ndigits++; ndigits >= scaledMaxDigits {
			return 0, 0, 0, 0, errRange
		}
		if whole, err = mulAdd(whole, d); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	return whole, fpart, fractDigits, i, nil
}

// mulAdd returns v*10+d for non-negative v, or ERANGE on overflow.
func mulAdd(v, d int64) (int64, error) {
	if v > math.MaxInt64/10 || d > math.MaxInt64-v*10 {
		return 0, errRange
	}
	return v*10 + d, nil
}

// applyScale scales whole and the fraction by the unit at the start of unit, which must not be
// followed by a letter or digit.
func applyScale(unit string, whole, fpart int64, fractDigits int, sign int64) (int64, error) {
	k := strings.IndexByte(scaleChars, upper(unit[0]))
	if k < 0 || len(unit) > 1 && isAlnum(unit[1]) {
		return 0, ErrInvalid
	}
	scale := scaleFactors[k]
	if whole > math.MaxInt64/scale || whole < math.MinInt64/scale {
		return 0, errRange
	}
	whole *= scale
	for fpart >= math.MaxInt64/scale {
		fpart /= 10
		fractDigits--
	}
	fpart *= scale
	for ; fractDigits > 1; fractDigits-- {
		fpart /= 10
	}
	if sign == -1 {
		return whole - fpart, nil
	}
	return whole + fpart, nil
}

// skipSpace skips white space from s[i:].
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// isSpace is C isspace in the C and UTF-8 locales.
func isSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

// upper maps an ASCII lower-case letter to upper case and leaves any other byte alone.
func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
