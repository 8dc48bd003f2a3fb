package progress

import (
	"fmt"
	"strings"
)

// The pure half of the meter: OpenSSH's progressmeter.c field formats, byte for byte. Each redraw is
//
//	\r name(cols−35) " %3d%% " size(6) " " rate(7) "/s " eta(11)
//
// which is cols−1 columns after the \r, so the cursor never reaches the last column (a line that fills it
// wraps on some terminals and breaks the \r redraw).

// units are OpenSSH's, 1024 apart; a blank unit is plain bytes.
const units = " KMGT"

// stallSeconds is OpenSSH's STALL_TIME: this long without a byte and the ETA field says so.
const stallSeconds = 5

// infoCols is the width of everything after the name column, and one more for the unused last column.
const infoCols = 35

// formatSize is OpenSSH's format_size: bytes, divided (rounding) by 1024 while at least 10000, as %4d and a
// unit: "   0  ", "9999  ", "3072KB", "  64MB".
func formatSize(bytes int64) string {
	i := 0
	for ; bytes >= 10000 && units[i] != 'T'; i++ {
		bytes = (bytes + 512) / 1024
	}
	suffix := " "
	if i > 0 {
		suffix = "B"
	}
	return fmt.Sprintf("%4d%c%s", bytes, units[i], suffix)
}

// formatRate is OpenSSH's format_rate: bytes per second with one decimal, in K at least: "  0.0KB",
// "481.0MB". Like format_size it rounds each division by 1024, working in hundredths.
func formatRate(bytes int64) string {
	bytes *= 100
	i := 0
	for ; bytes >= 100*1000 && units[i] != 'T'; i++ {
		bytes = (bytes + 512) / 1024
	}
	if i == 0 { // at least KB, even for a slow or zero rate
		i++
		bytes = (bytes + 512) / 1024
	}
	return fmt.Sprintf("%3d.%1d%cB", (bytes+5)/100, (bytes+5)/10%10, units[i])
}

// percentDone is OpenSSH's percent: 100 for an empty or complete file, otherwise computed in C float (single
// precision) and truncated, so a huge file can show 100 a little before its last byte, as OpenSSH's does.
func percentDone(pos, size int64) int {
	if size == 0 || pos == size {
		return 100
	}
	return int(float32(pos) / float32(size) * 100)
}

// etaField is OpenSSH's last field. stalled is the whole seconds since a byte last moved, rate the smoothed
// bytes per second, left the bytes still to come and elapsed the seconds since the file started (used once
// nothing is left, when the field shows the transfer's duration instead of an ETA).
func etaField(stalled, rate, left int64, elapsed float64) string {
	switch {
	case stalled >= stallSeconds:
		return "- stalled -"
	case rate == 0 && left != 0:
		return "  --:-- ETA"
	}
	var seconds int64
	if left > 0 {
		seconds = left / rate
	} else {
		seconds = int64(elapsed)
	}
	s := clock(seconds)
	if seconds < 3600 {
		s = "  " + s
	}
	if left > 0 {
		return s + " ETA"
	}
	return s + "    "
}

// clock is a duration as OpenSSH's meter shows it: "MM:SS", or "H:MM:SS" from an hour on.
func clock(seconds int64) string {
	if seconds >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", seconds/3600, seconds/60%60, seconds%60)
	}
	return fmt.Sprintf("%02d:%02d", seconds/60, seconds%60)
}

// minNameCols is the least room a whole-transfer tag leaves for the file's name.
const minNameCols = 10

// formatLine is one redraw for a terminal cols wide: \r and the line cut to cols−1 columns. The name column
// (cols−35 wide, sanitised, cut and padded by display width) is left out when the terminal has no room for
// it; nothing at all is drawn on a terminal under 3 columns, where OpenSSH gives up too. A tag (ASCII), if
// not empty, ends the name column when it leaves the name minNameCols; tagged tells whether it did.
func formatLine(name, tag string, cols, percent int, pos, rate int64, eta string) (line string, tagged bool) {
	if cols < 3 {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('\r')
	room := cols - 1 // columns after the \r
	if nameCols := cols - infoCols; nameCols > 0 {
		if tag != "" && nameCols-len(tag)-1 >= minNameCols {
			b.WriteString(nameField(name, nameCols-len(tag)-1) + " " + tag) // exactly nameCols columns
			tagged = true
		} else {
			b.WriteString(nameField(name, nameCols))
		}
		room -= nameCols
	}
	info := fmt.Sprintf(" %3d%% %s %s/s %s", percent, formatSize(pos), formatRate(rate), eta) // ASCII only
	b.WriteString(info[:min(len(info), room)])
	return b.String(), tagged
}
