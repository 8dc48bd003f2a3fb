package transport

import (
	"fmt"
	"strings"

	"github.com/goscp/goscp/internal/sshconfig"
	"github.com/goscp/goscp/internal/version"
)

// debugLevel is how much of ssh's debug log LogLevel asks for: 0 for none,
// 1 to 3 for DEBUG1 (spelt DEBUG, as ssh -G does) to DEBUG3.
func debugLevel(cfg *sshconfig.Config) int {
	switch cfg.Get("LogLevel") {
	case "DEBUG":
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

// printVersion starts the log with our version where ssh starts it with its
// own: for each connection (ssh runs one process per connection and jump
// host), when a -v is in effect and no later -q silenced it.
func printVersion(cfg *sshconfig.Config, opts Options) {
	if cfg.Verbose > 0 && debugLevel(cfg) > 0 && opts.Debug != nil {
		opts.Debug(version.Line())
	}
}

// printConfigLog shows what ssh logs while reading its configuration
// (sshconfig kept what ssh's level then shows). ssh writes the
// inaccessible-identity warning directly, without CR; the other warnings
// are log lines.
func printConfigLog(cfg *sshconfig.Config, opts Options, log func(level int, msg string)) {
	for _, l := range cfg.Log {
		switch {
		case l.Level > 0:
			log(l.Level, l.Msg)
		case strings.HasPrefix(l.Msg, "Warning: Identity file "):
			fmt.Fprint(opts.Stderr, l.Msg+"\n")
		default:
			fmt.Fprint(opts.Stderr, l.Msg+"\r\n")
		}
	}
}

// logIgnored says, as a debug line, which settings are accepted but have
// no effect here, so that a user wondering about them finds out.
func logIgnored(cfg *sshconfig.Config, log func(level int, msg string)) {
	if cfg.Get("Compression") == "yes" {
		log(1, "Compression is not supported: the connection is uncompressed")
	}
	master, persist := cfg.Get("ControlMaster"), cfg.Get("ControlPersist")
	if master != "" && master != "false" || cfg.Get("ControlPath") != "" || persist != "" && persist != "no" {
		log(1, "ControlMaster, ControlPath and ControlPersist are not supported: the connection is not shared")
	}
}
