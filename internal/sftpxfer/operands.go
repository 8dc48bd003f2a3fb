package sftpxfer

import (
	"io/fs"
	"strings"

	"github.com/goscp/goscp/scp/sftp"
)

// An scp command's operands: the matches of a remote pattern downloaded
// or copied between two servers, several local sources uploaded. Their
// files go through one sched, so that many small ones cost a few round
// trips in all, not a few each.

// A Match is a remote path that a pattern matched.
type Match struct {
	Path string // ending in "/" when it is a directory
	Size int64  // as the glob saw it; -1: not known
}

// DownloadMatches copies the matches of one remote pattern into the local
// directory dst, each under its own name, as scp's sink_sftp does one after
// the other: directories as trees when recursive, everything else as a
// file. With Files > 1 several files move at once, with the messages,
// the status and the tree of one at a time. A failed copy does not stop
// the others; a lost connection does.
func (x *Transfer) DownloadMatches(matches []Match, dst string, recursive bool, o Options) error {
	return x.eachMatch(matches, dst, recursive, true,
		func(w *Transfer, s *sched, g *group, src, dst string) error {
			return w.downloadDirIn(s, g, src, dst, o)
		},
		func(x *Transfer, src, dst string) error { return x.Download(src, dst, nil, o) })
}

// CrossloadMatches is DownloadMatches into the remote directory dst on
// the server of to, as scp's throughlocal_sftp does.
func (x *Transfer) CrossloadMatches(to *sftp.Client, matches []Match, dst string, recursive bool, o Options) error {
	return x.eachMatch(matches, dst, recursive, false,
		func(w *Transfer, s *sched, g *group, src, dst string) error {
			return w.crossloadDirIn(s, g, to, src, dst, o)
		},
		func(x *Transfer, src, dst string) error { return x.Crossload(to, src, dst, nil, o) })
}

// eachMatch copies matches into dst, each under its own name: tree copies
// a directory as part of g with s's walker w, file a file. When dst is
// local, a name that may be another's file too is written alone.
func (x *Transfer) eachMatch(matches []Match, dst string, recursive, local bool,
	tree func(w *Transfer, s *sched, g *group, src, dst string) error,
	file func(x *Transfer, src, dst string) error) error {
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = BaseName(m.Path)
	}
	return x.eachOperand(names, func(i int) bool { return local && mayAlias(PathAppend(dst, names[i])) },
		func(w *Transfer, s *sched, g *group, i int) error {
			m, to := matches[i], PathAppend(dst, names[i])
			switch {
			case w.RefuseDotDot(m.Path):
				return ErrReported
			case strings.HasSuffix(m.Path, "/") && recursive:
				return tree(w, s, g, m.Path, to)
			}
			weight := m.Size
			if weight < 0 {
				weight = inFlightBytes
			}
			return s.file(g, weight, func(x *Transfer) error { return file(x, m.Path, to) })
		})
}

// eachOperand copies the operands whose copies go to names, in order,
// through one sched: copy hands the i-th to s as part of g, w being s's
// walker. A name that comes again (from operands in several directories),
// or one for which alone is true, is written alone.
func (x *Transfer) eachOperand(names []string, alone func(i int) bool, copy func(w *Transfer, s *sched, g *group, i int) error) error {
	s := x.newSched()
	w := s.walker()
	g := s.enter(nil)
	again := s.repeats(names)
	var status error
	for i, name := range names {
		if x.interrupted() {
			break
		}
		solo := again[name] || !s.serial() && alone(i)
		if solo {
			s.drain()
		}
		err := copy(w, s, g, i)
		if solo {
			s.drain()
		}
		if ConnLost(err) {
			status = err
			break
		}
		if err != nil {
			status = ErrReported
		}
	}
	s.close(g, nil)
	return s.wait(status)
}

// RefuseDotDot reports, through x, a match named ".." (a glob such as
// "dir/.*" matches it): copied into a directory under that name, it would
// land above it, as OpenSSH 9.2's SFTP mode lets it. Its legacy sink
// refuses the name; so do we, in its words. (".", the directory itself,
// stays allowed, as in OpenSSH.)
func (x *Transfer) RefuseDotDot(p string) bool {
	if BaseName(p) != ".." {
		return false
	}
	x.errorf("error: unexpected filename: ..")
	return true
}

// A Source is a local operand of an upload and what a stat of it gave.
type Source struct {
	Path string
	Info fs.FileInfo
}

// UploadSources copies local sources into the remote directory dir, each
// under its own name, as scp's source_sftp does one after the other:
// directories as trees when recursive, everything else as a file; targ is
// the target as typed, for scp's messages. With Files > 1 several files
// move at once, with the messages, the status and the tree of one at a
// time. A failed copy does not stop the others; a lost connection does.
func (x *Transfer) UploadSources(srcs []Source, dir, targ string, recursive bool, o Options) error {
	names := make([]string, len(srcs))
	for i, src := range srcs {
		names[i] = BaseName(src.Path)
	}
	// The remote names are not looked at: see the README on aliases.
	return x.eachOperand(names, func(int) bool { return false },
		func(w *Transfer, s *sched, g *group, i int) error {
			src, dst := srcs[i], PathAppend(dir, names[i])
			if src.Info.IsDir() && recursive {
				return w.uploadSourceTree(s, g, src.Path, dst, targ, o)
			}
			return s.file(g, src.Info.Size(), func(x *Transfer) error {
				err := x.Upload(src.Path, dst, o)
				if err != nil && !ConnLost(err) {
					x.errorf("failed to upload file %s to %s", src.Path, targ)
				}
				return err
			})
		})
}

// uploadSourceTree uploads the tree src to dst as part of parent, its
// files through s, and says once all of it is done whether anything in it
// failed, in scp's words; x is s's walker.
func (x *Transfer) uploadSourceTree(s *sched, parent *group, src, dst, targ string, o Options) error {
	t := s.enter(parent)
	status := x.uploadDirIn(s, t, src, dst, o)
	if ConnLost(status) {
		s.close(t, nil)
		return status
	}
	s.close(t, func(x *Transfer) error {
		if status != nil || t.failed {
			x.errorf("failed to upload directory %s to %s", src, targ)
		}
		return nil
	})
	return status
}
