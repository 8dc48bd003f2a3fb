package progress

import (
	"strings"
	"testing"
)

func TestFormatSize(t *testing.T) {
	tests := []struct {
		bytes int64
		want  string
	}{
		{0, "   0  "},
		{1234, "1234  "},
		{9999, "9999  "},
		{10000, "  10KB"}, // (10000+512)/1024
		{10239487, "9999KB"},
		{10239488, "  10MB"},
		{3 << 20, "3072KB"},
		{64 << 20, "  64MB"},
		{1 << 40, "1024GB"},
		{10000 << 40, "10000TB"}, // no unit past T: the field grows
	}
	for _, tt := range tests {
		if got := formatSize(tt.bytes); got != tt.want {
			t.Errorf("formatSize(%d) = %q, want %q", tt.bytes, got, tt.want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	tests := []struct {
		rate int64
		want string
	}{
		{0, "  0.0KB"}, // never below K
		{9, "  0.0KB"},
		{512, "  0.5KB"},
		{1023, "  1.0KB"},
		{1 << 10, "  1.0KB"},
		{1048576, "  1.0MB"},
		{1153433, "  1.1MB"},
		{6553600, "  6.3MB"},
		{481 << 20, "481.0MB"},
		{1 << 40, "  1.0TB"},
		{1000 << 40, "1000.0TB"}, // no unit past T: the field grows
	}
	for _, tt := range tests {
		if got := formatRate(tt.rate); got != tt.want {
			t.Errorf("formatRate(%d) = %q, want %q", tt.rate, got, tt.want)
		}
	}
}

func TestPercentDone(t *testing.T) {
	tests := []struct {
		pos, size int64
		want      int
	}{
		{0, 0, 100},
		{5, 5, 100},
		{0, 10, 0},
		{1, 3, 33},
		{2, 3, 66},
		{16777215, 16777216, 99},
		{1<<40 - 1, 1 << 40, 100}, // single precision, as OpenSSH computes it
	}
	for _, tt := range tests {
		if got := percentDone(tt.pos, tt.size); got != tt.want {
			t.Errorf("percentDone(%d, %d) = %d, want %d", tt.pos, tt.size, got, tt.want)
		}
	}
}

func TestETAField(t *testing.T) {
	tests := []struct {
		stalled, rate, left int64
		elapsed             float64
		want                string
	}{
		{0, 0, 100, 0, "  --:-- ETA"},
		{4, 0, 100, 0, "  --:-- ETA"},
		{5, 10, 100, 0, "- stalled -"},
		{5, 0, 0, 9.5, "- stalled -"}, // stall wins even over the finished duration
		{0, 1000, 59000, 0, "  00:59 ETA"},
		{0, 1000, 59999, 0, "  00:59 ETA"}, // whole seconds, truncated
		{0, 1, 3599, 0, "  59:59 ETA"},
		{0, 1, 2*3600 + 61, 0, "2:01:01 ETA"},
		{0, 1, 10 * 3600, 0, "10:00:00 ETA"}, // a column too wide: formatLine cuts it
		{0, 0, 0, 0.4, "  00:00    "},        // done: the elapsed time, even at rate 0
		{0, 5, 0, 61.9, "  01:01    "},
		{0, 5, 0, 3725.2, "1:02:05    "},
	}
	for _, tt := range tests {
		if got := etaField(tt.stalled, tt.rate, tt.left, tt.elapsed); got != tt.want {
			t.Errorf("etaField(%d, %d, %d, %v) = %q, want %q", tt.stalled, tt.rate, tt.left, tt.elapsed, got, tt.want)
		}
	}
}

// cols is the display width of a drawn line after its \r.
func cols(line string) int {
	n := 0
	for _, r := range strings.TrimPrefix(line, "\r") {
		n += runeCols(r)
	}
	return n
}

func TestFormatLine(t *testing.T) {
	setUTF8(t, true)
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-cols(s)) }
	tests := []struct {
		name          string
		cols, percent int
		pos, rate     int64
		eta, want     string
	}{
		{"med.bin", 80, 0, 0, 0, "  --:-- ETA", // OpenSSH 9.2, verified (PROTOCOL.md §9)
			"\rmed.bin                                         0%    0     0.0KB/s   --:-- ETA"},
		{"med.bin", 80, 100, 124000, 374446489, "  00:00    ",
			"\rmed.bin                                       100%  121KB 357.1MB/s   00:00    "},
		{"big.bin", 80, 100, 64 << 20, 481 << 20, "  00:00    ",
			"\rbig.bin                                       100%   64MB 481.0MB/s   00:00    "},
		{"a.bin", 80, 100, 3 << 20, 6553600, "  00:00    ", "\r" + pad("a.bin", 45) + " 100% 3072KB   6.3MB/s   00:00    "},
		{"a.bin", 120, 42, 1234, 1 << 10, "  01:02 ETA", "\r" + pad("a.bin", 85) + "  42% 1234     1.0KB/s   01:02 ETA"},
		{"a.bin", 80, 1, 10, 1, "10:00:00 ETA", "\r" + pad("a.bin", 45) + "   1%   10     0.0KB/s 10:00:00 ET"},
		{"a-very-long-file-name-that-goes-on-and-on-and-on.tar.gz", 80, 7, 0, 0, "  --:-- ETA",
			"\ra-very-long-file-name-that-goes-on-and-on-and   7%    0     0.0KB/s   --:-- ETA"},
		{"日本語ファイル名.txt", 50, 100, 0, 0, "  00:00    ", // 15 name columns: 7 wide runes and a space
			"\r日本語ファイル  100%    0     0.0KB/s   00:00    "},
		{"evil\x1b[2Jname\n", 80, 100, 1234, 0, "  00:00    ",
			"\r" + pad(`evil\033[2Jname\012`, 45) + " 100% 1234     0.0KB/s   00:00    "},
		{"a.bin", 36, 100, 3 << 20, 1, "  00:00    ", "\ra 100% 3072KB   0.0KB/s   00:00    "},
		{"a.bin", 35, 100, 3 << 20, 1, "  00:00    ", "\r 100% 3072KB   0.0KB/s   00:00    "}, // no room for a name
		{"a.bin", 10, 100, 3 << 20, 1, "  00:00    ", "\r 100% 307"},
		{"a.bin", 3, 100, 3 << 20, 1, "  00:00    ", "\r 1"},
		{"a.bin", 2, 100, 3 << 20, 1, "  00:00    ", ""}, // too narrow for anything
	}
	for _, tt := range tests {
		got, tagged := formatLine(tt.name, "", tt.cols, tt.percent, tt.pos, tt.rate, tt.eta)
		if got != tt.want || tagged {
			t.Errorf("formatLine(%q, %d, …)\n got %q\nwant %q", tt.name, tt.cols, got, tt.want)
		}
		if got != "" && cols(got) != tt.cols-1 {
			t.Errorf("formatLine(%q, %d, …) is %d columns, want %d", tt.name, tt.cols, cols(got), tt.cols-1)
		}
	}
}
