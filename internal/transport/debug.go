package transport

import (
	"fmt"
	"strings"

	"github.com/goscp/goscp/internal/sshconfig"
)

// debugLevel is how much of ssh's debug log LogLevel asks for: 0 for none,
// 1 to 3 for DEBUG1 (also DEBUG, as -v sets) to DEBUG3.
func debugLevel(cfg *sshconfig.Config) int {
	switch strings.ToUpper(cfg.Get("LogLevel")) {
	case "DEBUG", "DEBUG1":
		return 1
	case "DEBUG2":
		return 2
	case "DEBUG3":
		return 3
	}
	return 0
}

// debugLog returns ssh's debug log for one connection: lines up to the
// configured level reach opts.Debug as "debugN: msg". It is never nil.
func debugLog(cfg *sshconfig.Config, opts Options) func(level int, msg string) {
	max := debugLevel(cfg)
	return func(level int, msg string) {
		if level <= max && opts.Debug != nil {
			opts.Debug(fmt.Sprintf("debug%d: %s", level, msg))
		}
	}
}
