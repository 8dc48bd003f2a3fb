package sshconfig

import "fmt"

// LogLine is one message ssh logs while it reads its configuration.
type LogLine struct {
	Level int    // 0: a warning (also in Config.Warnings); 1 to 3: debug1 to debug3
	Msg   string // without the "debugN: " prefix
}

// logLevelNames are ssh's log levels from the quietest up, spelt as ssh -G
// prints them (it calls QUIET "SILENT" and DEBUG1 "DEBUG").
var logLevelNames = []string{"SILENT", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG2", "DEBUG3"}

const (
	levelQuiet  = 0
	levelError  = 2
	levelInfo   = 3
	levelDebug1 = 5
	levelDebug3 = 7
)

// logLevel is the level LogLevel names, INFO when unset.
func (ev *evaluator) logLevel() int {
	for i, name := range logLevelNames {
		if ev.get("loglevel") == name {
			return i
		}
	}
	return levelInfo
}

// applyLogFlags sets LogLevel as ssh's -v and -q leave it, in command-line
// order: -q is QUIET; the first -v is DEBUG1 and each further one raises
// the level by one up to DEBUG3, from wherever -q left it. Either beats
// -o LogLevel, before or after it. It returns how many -v ssh gives the
// ssh it runs for a jump host: its count of -v, at most 3.
func (ev *evaluator) applyLogFlags(flags string) int {
	level, verbose := -1, 0
	for _, f := range flags {
		switch {
		case f == 'q':
			level = levelQuiet
		case f == 'v' && verbose == 0:
			level, verbose = levelDebug1, 1
		case f == 'v' && level < levelDebug3:
			level++
			verbose++
		}
	}
	if level >= 0 {
		ev.values["loglevel"] = []string{logLevelNames[level]}
	}
	return min(verbose, 3)
}

// debug records one of ssh's debug lines if the level ssh logs at shows
// it: ssh reads its files at the level its command line set (a LogLevel in
// a file comes too late for them).
func (ev *evaluator) debug(level int, format string, a ...any) {
	if levelDebug1+level-1 <= ev.level {
		ev.log = append(ev.log, LogLine{Level: level, Msg: fmt.Sprintf(format, a...)})
	}
}

// print records a message ssh prints without failing, or only before
// failing. Like ssh's errors it is logged unless the level is FATAL or
// quieter; ssh shows those about -o and -i before it sets any level.
func (ev *evaluator) print(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	ev.printed = append(ev.printed, msg)
	if ev.level >= levelError {
		ev.log = append(ev.log, LogLine{Msg: msg})
	}
}
