package e2e

// Logins and host keys end to end: the built binary against a real sshd,
// side by side with /usr/bin/scp -O. Prompts are answered on a
// pseudo-terminal; password logins go through a PAM service of the test's
// own (see authkit_test.go), so the machine's own logins are untouched.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/goscp/goscp/internal/sshdtest"
)

// payload is what every copy of these tests carries.
const payload = "login test payload\n"

// copyDir prepares a directory for one client's run: src holds payload,
// dst is the target of the copy (up: through sshd to dir/dst; down: from
// dir/src through sshd to dst). It returns the directory and the
// operands.
func copyDir(t *testing.T, up bool) (dir string, operands []string) {
	t.Helper()
	dir = t.TempDir()
	writeFile(t, filepath.Join(dir, "src"), payload)
	if up {
		return dir, []string{"src", sshdtest.HostAlias + ":" + filepath.Join(dir, "dst")}
	}
	return dir, []string{sshdtest.HostAlias + ":" + filepath.Join(dir, "src"), "dst"}
}

// loginOutcome is what one client's run left behind, normalised.
type loginOutcome struct {
	exit   int
	stderr string
	// screen is the terminal's output with every "\r" removed: ssh also
	// starts each prompt with one, which ours does not, and that cosmetic
	// difference is not what these tests look at.
	screen  string
	problem string // e.g. a dialogue step that did not happen
	dst     string // the target's content or "<missing>"
	secrets string // what the PAM service was given
	known   string // the known_hosts file afterwards, if the case looks
	mode    os.FileMode
}

func (o loginOutcome) String() string {
	return fmt.Sprintf("exit %d\n  stderr  %q\n  screen  %q\n  problem %q\n  dst     %q\n  secrets %q\n  known   %q (%v)",
		o.exit, o.stderr, o.screen, o.problem, o.dst, o.secrets, o.known, o.mode)
}

// sameAsOpenSSH fails the test if ours did not do exactly what OpenSSH did.
func sameAsOpenSSH(t *testing.T, ours, openssh loginOutcome) {
	t.Helper()
	if ours != openssh {
		t.Errorf("ours differs from scp -O:\nours    %s\nopenssh %s", ours, openssh)
	}
}

// TestLoginPasswordPrompts types passwords and keyboard-interactive
// answers on a terminal: a wrong one then the right one, and wrong ones
// until the client gives up. A failed login ends scp -O with status 1
// (ssh's own 255 only makes scp count an error).
func TestLoginPasswordPrompts(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	const password = "Right-pass-1"
	svc := newPAMService(t, password, "", "")
	pwSrv := svc.start(t, "PasswordAuthentication yes", "KbdInteractiveAuthentication no")
	kbdSrv := svc.start(t, "PasswordAuthentication no", "KbdInteractiveAuthentication yes")
	user := pwSrv.User
	pw := func(answer string) step { return step{user + "@127.0.0.1's password: ", answer, true} }
	kbd := func(answer string) step { return step{"(" + user + "@127.0.0.1) Password: ", answer, true} }
	const again = "Permission denied, please try again.\r\n"
	denied := func(methods string) string { return user + "@127.0.0.1: Permission denied (" + methods + ").\r\n" }
	tests := []struct {
		name   string
		srv    *sshdtest.Server
		up     bool
		opts   []string
		steps  []step
		exit   int
		stderr string
	}{
		{"password/wrong-then-right", pwSrv, true, nil, []step{pw("wrong-1"), pw(password)}, 0, again},
		{"password/exhausted", pwSrv, false, nil, []step{pw("wrong-1"), pw("wrong-2"), pw("wrong-3")}, 1, again + again + denied("password")},
		{"password/NumberOfPasswordPrompts=1", pwSrv, true, []string{"-o", "NumberOfPasswordPrompts=1"}, []step{pw("wrong-1")}, 1, denied("password") + "lost connection\n"},
		{"keyboard-interactive/wrong-then-right", kbdSrv, false, nil, []step{kbd("wrong-1"), kbd(password)}, 0, ""},
		{"keyboard-interactive/exhausted", kbdSrv, true, nil, []step{kbd("wrong-1"), kbd("wrong-2"), kbd("wrong-3")}, 1, denied("keyboard-interactive") + "lost connection\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sideBySide(t, expect(tt.exit, tt.stderr, tt.steps, true), func(who string) loginOutcome {
				return promptedRun(t, who, tt.srv, svc, tt.up, append([]string{"-o", "BatchMode=no"}, tt.opts...), tt.steps)
			})
		})
	}
}

// promptedRun runs who's client on a terminal with the dialogue, copying
// payload up or down. The server's ssh_config has BatchMode yes: opts
// turn it off where prompts are wanted.
func promptedRun(t *testing.T, who string, srv *sshdtest.Server, svc *pamService, up bool, opts []string, steps []step) loginOutcome {
	t.Helper()
	if svc != nil {
		svc.reset(t)
	}
	dir, operands := copyDir(t, up)
	args := append(slices.Clip(opts), operands...)
	p := client(t, who, srv.ConfigFile, dir, clientEnv(dir, srv.User), args...)
	r := runOnPTY(t, p, steps)
	norm := normaliser(dir, srv.Port)
	o := loginOutcome{exit: r.exit, stderr: norm.Replace(r.stderr), screen: norm.Replace(strings.ReplaceAll(r.screen, "\r", "")), dst: readFile(filepath.Join(dir, "dst"))}
	if r.err != nil {
		o.problem = norm.Replace(r.err.Error())
	}
	if svc != nil {
		o.secrets = strings.Join(svc.secrets(), " ")
	}
	return o
}

// meets reports whether a run did what OpenSSH is known to do; the screen
// and the known_hosts mode are compared between the clients only.
func (o loginOutcome) meets(want loginOutcome) bool {
	want.screen, want.mode = o.screen, o.mode
	return o == want
}

// checkOutcome checks a run against what OpenSSH is known to do (meets).
func checkOutcome(t *testing.T, who string, got, want loginOutcome) {
	t.Helper()
	if !got.meets(want) {
		t.Errorf("%s:\ngot  %s\nwant %s", who, got, want)
	}
}

// sideBySide runs OpenSSH's client, then ours: each must do what OpenSSH
// is known to do (want, see meets), and ours exactly what OpenSSH did.
func sideBySide(t *testing.T, want loginOutcome, run func(who string) loginOutcome) {
	t.Helper()
	got := map[string]loginOutcome{}
	for _, who := range bothClients {
		o := run(who)
		checkOutcome(t, who, o, want)
		got[who] = o
	}
	sameAsOpenSSH(t, got[whoOurs], got[whoOpenSSH])
}

// expect is the outcome OpenSSH is known to have: the exit status, stderr,
// the target written (exit 0) or not, and, for a PAM login, the answers
// typed reaching the server in order.
func expect(exit int, stderr string, steps []step, pam bool) loginOutcome {
	o := loginOutcome{exit: exit, stderr: stderr, dst: "<missing>"}
	if exit == 0 {
		o.dst = payload
	}
	if pam {
		var typed []string
		for _, s := range steps {
			typed = append(typed, s.answer)
		}
		o.secrets = strings.Join(typed, " ")
	}
	return o
}

// TestLoginTwoFactor logs in with a password and then a one-time code
// (AuthenticationMethods password,keyboard-interactive): the code is asked
// for with the server's text shown as sent, the "(user@host) " prefix
// added as ssh does. PAM puts the info message above its prompt.
func TestLoginTwoFactor(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	const password, code = "Right-pass-2", "code-918273"
	svc := newPAMService(t, password, "Enter the one-time code sent to %u's phone.", code)
	srv := svc.start(t, "PasswordAuthentication yes", "KbdInteractiveAuthentication yes", "AuthenticationMethods password,keyboard-interactive")
	user := srv.User
	pw := func(answer string) step { return step{user + "@127.0.0.1's password: ", answer, true} }
	otp := func(answer string) step {
		return step{"(" + user + "@127.0.0.1) Enter the one-time code sent to " + user + "'s phone.\nPassword: ", answer, true}
	}
	const again = "Permission denied, please try again.\r\n"
	// sshd keeps what PAM said during the password step and sends it on
	// the session's stderr once logged in, for each run of the stack.
	said := "Enter the one-time code sent to " + user + "'s phone.\n"
	tests := []struct {
		name   string
		up     bool
		steps  []step
		exit   int
		stderr string
	}{
		{"straight", true, []step{pw(password), otp(code)}, 0, said},
		{"retries", false, []step{pw("wrong-1"), pw(password), otp("wrong-code-1"), otp(code)}, 0, again + said + said},
		{"code-exhausted", true, []step{pw(password), otp("wrong-code-1"), otp("wrong-code-2"), otp("wrong-code-3")}, 1, user + "@127.0.0.1: Permission denied (keyboard-interactive).\r\nlost connection\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sideBySide(t, expect(tt.exit, tt.stderr, tt.steps, true), func(who string) loginOutcome {
				return promptedRun(t, who, srv, svc, tt.up, []string{"-o", "BatchMode=no"}, tt.steps)
			})
		})
	}
}

// keyRun is one client's run without a terminal, copying payload with
// extra arguments, in a directory of its own that setup may fill first
// (a known_hosts, keys). If setup names a known_hosts file, the loginOutcome
// holds it as it is afterwards.
func keyRun(t *testing.T, who string, srv *sshdtest.Server, up bool, setup func(dir string) (kh string, args []string)) loginOutcome {
	t.Helper()
	dir, operands := copyDir(t, up)
	kh, args := setup(dir)
	p := client(t, who, srv.ConfigFile, dir, clientEnv(dir, srv.User), append(args, operands...)...)
	r := p.run(t)
	norm := normaliser(dir, srv.Port)
	o := loginOutcome{exit: r.exit, stderr: norm.Replace(r.stderr), dst: readFile(filepath.Join(dir, "dst"))}
	if kh != "" {
		o.known = norm.Replace(readFile(kh))
		if fi, err := os.Stat(kh); err == nil {
			o.mode = fi.Mode().Perm()
		}
	}
	return o
}

// knownHostsAt returns a setup for keyRun: the known_hosts file name
// (relative to the run's directory) holding content ("" for no file), and
// these options with UserKnownHostsFile.
func knownHostsAt(t *testing.T, name, content string, opts ...string) func(dir string) (string, []string) {
	return func(dir string) (string, []string) {
		kh := filepath.Join(dir, name)
		if content != "" {
			writeFile(t, kh, content)
		}
		return kh, append(slices.Clip(opts), "-o", "UserKnownHostsFile="+kh)
	}
}

// TestKnownHostsAcceptNew lets StrictHostKeyChecking=accept-new record a
// new host key, in the file and format ssh writes; the entry then passes
// strict checking. With HashKnownHosts=yes the entry is hashed.
func TestKnownHostsAcceptNew(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	entry := "[127.0.0.1]:{PORT} " + hostKey(t, srv) + "\n"
	added := "Warning: Permanently added '[127.0.0.1]:{PORT}' (ED25519) to the list of known hosts.\r\n"
	notAdded := func(file string) string {
		return "Failed to add the host to the list of known hosts ({D}/" + file + ").\r\n"
	}
	const other = "# kept\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOcg2mGsTkBxH5i7dRJqUnuPYyZrzmP0MsNi5Zh0fU2s\n"
	tests := []struct {
		name   string
		file   string // known_hosts, relative to the run's directory
		before string // its content before, "" for no file
		hash   bool   // HashKnownHosts=yes
		after  string
		stderr string
	}{
		{"new-file", "kh", "", false, entry, added},
		{"appended", "kh", other, false, other + entry, added},
		// ssh creates only the user's own ~/.ssh (found in the password
		// database, not $HOME): no directory is made here, the copy goes on.
		{"missing-dir", "missing/known_hosts", "", false, "<missing>", notAdded("missing/known_hosts")},
		{"missing-dot-ssh", "home/.ssh/known_hosts", "", false, "<missing>", notAdded("home/.ssh/known_hosts")},
		{"hashed", "kh", "", true, "hashed " + hostKey(t, srv) + "\n", added},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []string{"-o", "StrictHostKeyChecking=accept-new"}
			if tt.hash {
				opts = append(opts, "-o", "HashKnownHosts=yes")
			}
			want := expect(0, tt.stderr, nil, false)
			want.known = tt.after
			sideBySide(t, want, func(who string) loginOutcome {
				var kh string
				setup := knownHostsAt(t, tt.file, tt.before, opts...)
				o := keyRun(t, who, srv, true, func(dir string) (string, []string) {
					var args []string
					kh, args = setup(dir)
					return kh, args
				})
				if tt.hash {
					o.known = hashedEntry(kh, srv)
				}
				if o.known != "<missing>" {
					// What was recorded is accepted without a word under strict checking.
					again := keyRun(t, who, srv, false, func(string) (string, []string) {
						return "", []string{"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh}
					})
					if again.exit != 0 || again.stderr != "" {
						o.known += "; not accepted under strict checking: " + again.String()
					}
				}
				return o
			})
		})
	}
}

// hashedEntry describes kh as "hashed KEY\n" if it holds one hashed line
// that ssh-keygen -F finds for srv, else says what it holds.
func hashedEntry(kh string, srv *sshdtest.Server) string {
	content := readFile(kh)
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "|1|") {
		return "not one hashed line: " + content
	}
	out, err := exec.Command("ssh-keygen", "-F", hostName(srv), "-f", kh).Output()
	if err != nil || !strings.Contains(string(out), lines[0]) {
		return fmt.Sprintf("ssh-keygen -F does not find %q (%v): %q", lines[0], err, out)
	}
	f := strings.Fields(lines[0])
	return "hashed " + strings.Join(f[1:], " ") + "\n"
}

// TestKnownHostsAsk answers ssh's question about a new host key on the
// terminal (StrictHostKeyChecking=ask): yes or the fingerprint record the
// key, no refuses, anything else is asked again.
func TestKnownHostsAsk(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	fp := ssh.FingerprintSHA256(hostPublicKey(t, srv))
	const question = "This key is not known by any other names.\nAre you sure you want to continue connecting (yes/no/[fingerprint])? "
	const again = "Please type 'yes', 'no' or the fingerprint: "
	added := "Warning: Permanently added '[127.0.0.1]:{PORT}' (ED25519) to the list of known hosts.\r\n"
	entry := "[127.0.0.1]:{PORT} " + hostKey(t, srv) + "\n"
	tests := []struct {
		name   string
		steps  []step
		exit   int
		stderr string
		after  string
	}{
		{"yes", []step{{question, "yes", false}}, 0, added, entry},
		{"fingerprint", []step{{question, fp, false}}, 0, added, entry},
		{"no", []step{{question, "no", false}}, 1, "Host key verification failed.\r\nlost connection\n", "<missing>"},
		{"maybe-then-yes", []step{{question, "maybe", false}, {again, "yes", false}}, 0, added, entry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := expect(tt.exit, tt.stderr, nil, false)
			want.known = tt.after
			sideBySide(t, want, func(who string) loginOutcome {
				kh := filepath.Join(t.TempDir(), "kh")
				o := promptedRun(t, who, srv, nil, true, []string{"-o", "BatchMode=no", "-o", "StrictHostKeyChecking=ask", "-o", "UserKnownHostsFile=" + kh}, tt.steps)
				o.known = normaliser(filepath.Dir(kh), srv.Port).Replace(readFile(kh))
				return o
			})
		})
	}
}

// TestKnownHostsChangedKey refuses a host whose recorded key differs,
// with ssh's warning box naming the offending line, copies nothing and
// leaves known_hosts alone; scp -O exits 1. StrictHostKeyChecking=no goes
// on with the key but no password.
func TestKnownHostsChangedKey(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	stale := keyText(newKey(t, filepath.Join(t.TempDir(), "stale"), ""))
	known := "# line 1\nother.example " + hostKey(t, srv) + "\n\n" + hostName(srv) + " " + stale + "\n"
	box := []string{
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n",
		"The fingerprint for the ED25519 key sent by the remote host is\n" + ssh.FingerprintSHA256(hostPublicKey(t, srv)) + ".\r\n",
		"Offending ED25519 key in {D}/kh:4\r\n",
		"  ssh-keygen -f \"{D}/kh\" -R \"[127.0.0.1]:{PORT}\"\r\n",
	}
	tests := []struct {
		name   string
		up     bool
		strict string
		exit   int
		last   string // how stderr ends
	}{
		{"upload", true, "yes", 1, "Host key for [127.0.0.1]:{PORT} has changed and you have requested strict checking.\r\nHost key verification failed.\r\nlost connection\n"},
		{"download", false, "yes", 1, "Host key verification failed.\r\n"},
		{"accept-new", true, "accept-new", 1, "Host key verification failed.\r\nlost connection\n"},
		{"no", true, "no", 0, "Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]loginOutcome{}
			for _, who := range bothClients {
				o := keyRun(t, who, srv, tt.up, knownHostsAt(t, "kh", known, "-o", "StrictHostKeyChecking="+tt.strict))
				if o.exit != tt.exit || !strings.HasSuffix(o.stderr, tt.last) {
					t.Errorf("%s: exit %d, stderr %q; want exit %d, stderr ending %q", who, o.exit, o.stderr, tt.exit, tt.last)
				}
				for _, line := range box {
					if !strings.Contains(o.stderr, line) {
						t.Errorf("%s: stderr lacks %q", who, line)
					}
				}
				if want := expect(tt.exit, "", nil, false).dst; o.dst != want {
					t.Errorf("%s: the target holds %q, want %q", who, o.dst, want)
				}
				if o.known != normaliser("{D}", srv.Port).Replace(known) {
					t.Errorf("%s: known_hosts changed to %q", who, o.known)
				}
				got[who] = o
			}
			sameAsOpenSSH(t, got[whoOurs], got[whoOpenSSH])
		})
	}
}

// hostPublicKey returns srv's host key.
func hostPublicKey(t *testing.T, srv *sshdtest.Server) ssh.PublicKey {
	t.Helper()
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(hostKey(t, srv)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKnownHostsForms accepts a host through the forms a known_hosts line
// can take, and refuses an unknown one under strict checking or in batch
// mode, in ssh's words.
func TestKnownHostsForms(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	key := hostKey(t, srv)
	other := keyText(newKey(t, filepath.Join(t.TempDir(), "other"), ""))
	unknown := "No ED25519 host key is known for [127.0.0.1]:{PORT} and you have requested strict checking.\r\nHost key verification failed.\r\nlost connection\n"
	failed := "Host key verification failed.\r\nlost connection\n"
	tests := []struct {
		name   string
		known  string
		hash   bool // ssh-keygen -H the file first
		opts   []string
		exit   int
		stderr string
	}{
		{"port-entry", hostName(srv) + " " + key + "\n", false, nil, 0, ""},
		{"hashed", "a.example " + other + "\n" + hostName(srv) + " " + key + "\nb.example " + other + "\n", true, nil, 0, ""},
		{"pattern", "[127.0.0.?]:* " + key + "\n", false, nil, 0, ""},
		{"pattern-list", "b.example," + hostName(srv) + ",c.example " + key + "\n", false, nil, 0, ""},
		{"negated", "[127.0.0.*]:*,![127.0.0.1]:* " + key + "\n", false, nil, 1, unknown},
		{"other-port", "[127.0.0.1]:1 " + key + "\n", false, nil, 1, unknown},
		{"strict-unknown", "a.example " + other + "\n", false, nil, 1, unknown},
		{"strict-unknown-hashed", "[127.0.0.1]:1 " + key + "\n", true, nil, 1, unknown},
		{"BatchMode-ask", "", false, []string{"-o", "StrictHostKeyChecking=ask"}, 1, failed},
		{"B-ask", "", false, []string{"-B", "-o", "BatchMode=no", "-o", "StrictHostKeyChecking=ask"}, 1, failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				return keyRun(t, who, srv, true, func(dir string) (string, []string) {
					kh, args := knownHostsAt(t, "kh", tt.known, tt.opts...)(dir)
					if tt.hash {
						sshKeygen(t, "-q", "-H", "-f", kh)
						if strings.Contains(readFile(kh), "127.0.0.1") {
							t.Fatalf("ssh-keygen -H left a plain name: %q", readFile(kh))
						}
					}
					return "", args
				})
			})
		})
	}
}

// TestBatchModeNoPrompt: with BatchMode=yes or -B, a client that has a
// terminal, a server that takes passwords and no key that works, gives up
// at once without asking anything. The control shows the same client
// asks without batch mode.
func TestBatchModeNoPrompt(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"AuthorizedKeysFile none", "PasswordAuthentication yes"}})
	denied := srv.User + "@127.0.0.1: Permission denied (publickey,password).\r\nlost connection\n"
	prompt := srv.User + "@127.0.0.1's password: "
	const again = "Permission denied, please try again.\r\n"
	tests := []struct {
		name   string
		opts   []string
		steps  []step
		stderr string
	}{
		{"BatchMode=yes", []string{"-o", "BatchMode=yes"}, nil, denied},
		{"-B", []string{"-B", "-o", "BatchMode=no"}, nil, denied},
		{"control", []string{"-o", "BatchMode=no"}, []step{{prompt, "not-the-password-1", true}, {prompt, "not-the-password-2", true}, {prompt, "not-the-password-3", true}}, again + again + denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A run without a dialogue fails if anything shows on the terminal.
			sideBySide(t, expect(1, tt.stderr, nil, false), func(who string) loginOutcome {
				return promptedRun(t, who, srv, nil, true, tt.opts, tt.steps)
			})
		})
	}
}

// TestLoginPassphrase types the passphrase of an encrypted key: a wrong
// one is asked again, an empty one skips the key, batch mode never asks.
func TestLoginPassphrase(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	keys := t.TempDir()
	key := filepath.Join(keys, "id_locked")
	const passphrase = "correct horse battery"
	pub := newKey(t, key, passphrase)
	authorized := filepath.Join(keys, "authorized_keys")
	writeFile(t, authorized, keyText(pub)+"\n")
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"AuthorizedKeysFile " + authorized}})
	ask := func(answer string) step { return step{"Enter passphrase for key '" + key + "': ", answer, true} }
	denied := srv.User + "@127.0.0.1: Permission denied (publickey).\r\n"
	tests := []struct {
		name   string
		up     bool
		batch  bool
		steps  []step
		exit   int
		stderr string
	}{
		{"right", true, false, []step{ask(passphrase)}, 0, ""},
		{"wrong-then-right", false, false, []step{ask("wrong"), ask(passphrase)}, 0, ""},
		{"empty-skips-key", true, false, []step{ask("")}, 1, denied + "lost connection\n"},
		{"batch", false, true, nil, 1, denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []string{"-i", key, "-o", "BatchMode=no"}
			if tt.batch {
				opts = []string{"-B", "-i", key} // and BatchMode yes from the config
			}
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				return promptedRun(t, who, srv, nil, tt.up, opts, tt.steps)
			})
		})
	}
}

// TestLoginUserCertificate logs in with a user certificate from a CA the
// server trusts (TrustedUserCAKeys; no authorized_keys at all): found
// beside the key as KEY-cert.pub, or named by CertificateFile.
func TestLoginUserCertificate(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	keys := t.TempDir()
	ca := filepath.Join(keys, "user_ca")
	newKey(t, ca, "")
	srv := sshdtest.Start(t, sshdtest.Config{Extra: []string{"AuthorizedKeysFile none", "TrustedUserCAKeys " + ca + ".pub"}})
	certified := func(name, principal string) string {
		k := filepath.Join(keys, name)
		newKey(t, k, "")
		sshKeygen(t, "-q", "-s", ca, "-I", "goscp-"+name, "-n", principal, k+".pub")
		return k
	}
	beside := certified("id_beside", srv.User)
	// A certificate kept apart from its key, found only through CertificateFile.
	apart := certified("id_apart", srv.User)
	apartCert := filepath.Join(keys, "apart.cert")
	if err := os.Rename(apart+"-cert.pub", apartCert); err != nil {
		t.Fatal(err)
	}
	wrongPrincipal := certified("id_other", "someone-else")
	plain := filepath.Join(keys, "id_plain")
	newKey(t, plain, "")
	denied := srv.User + "@127.0.0.1: Permission denied (publickey).\r\nlost connection\n"
	tests := []struct {
		name     string
		opts     []string
		exit     int
		stderr   string
		accepted string // the certificate ID sshd logs as accepted
	}{
		{"beside-key", []string{"-i", beside}, 0, "", "goscp-id_beside"},
		{"CertificateFile", []string{"-i", apart, "-o", "CertificateFile=" + apartCert}, 0, "", "goscp-id_apart"},
		{"wrong-principal", []string{"-i", wrongPrincipal}, 1, denied, ""},
		{"no-certificate", []string{"-i", plain}, 1, denied, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sideBySide(t, expect(tt.exit, tt.stderr, nil, false), func(who string) loginOutcome {
				before := acceptedCerts(srv, tt.accepted)
				o := keyRun(t, who, srv, true, func(string) (string, []string) { return "", tt.opts })
				// The login was the certificate's, not some other key's.
				if tt.accepted != "" && acceptedCerts(srv, tt.accepted) != before+1 {
					o.problem = "sshd logged no login with certificate " + tt.accepted
				}
				return o
			})
		})
	}
}

// acceptedCerts counts the logins sshd logged with the certificate of
// that ID.
func acceptedCerts(srv *sshdtest.Server, id string) int {
	n := 0
	for _, l := range strings.Split(readFile(srv.LogFile), "\n") {
		if strings.HasPrefix(l, "Accepted publickey for ") && strings.Contains(l, " ED25519-CERT ") && strings.Contains(l, " ID "+id+" ") {
			n++
		}
	}
	return n
}

// TestKnownHostsCertAuthority accepts a host certificate (HostCertificate)
// signed by a CA listed with @cert-authority, and falls back to the plain
// key, unknown, when the CA or the name does not fit.
func TestKnownHostsCertAuthority(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	needKeygen(t)
	keys := t.TempDir()
	ca := filepath.Join(keys, "host_ca")
	caKey := keyText(newKey(t, ca, ""))
	otherCA := keyText(newKey(t, filepath.Join(keys, "other_ca"), ""))
	server := func(principal string) *sshdtest.Server {
		hk := filepath.Join(keys, "host_"+principal)
		newKey(t, hk, "")
		sshKeygen(t, "-q", "-s", ca, "-h", "-I", "goscp-host", "-n", principal, hk+".pub")
		return sshdtest.Start(t, sshdtest.Config{HostKeys: []string{hk}, Extra: []string{"HostCertificate " + hk + "-cert.pub"}})
	}
	good := server("127.0.0.1")
	misnamed := server("elsewhere.example")
	unknown := "No ED25519 host key is known for [127.0.0.1]:{PORT} and you have requested strict checking.\r\nHost key verification failed.\r\nlost connection\n"
	tests := []struct {
		name   string
		srv    *sshdtest.Server
		known  string
		exit   int
		stderr string
	}{
		{"ca", good, "@cert-authority [127.0.0.1]:* " + caKey + "\n", 0, ""},
		{"ca-any-host", good, "@cert-authority * " + caKey + "\n", 0, ""},
		{"other-ca", good, "@cert-authority * " + otherCA + "\n", 1, unknown},
		{"not-a-principal", misnamed, "@cert-authority * " + caKey + "\n", 1, "Certificate invalid: name is not a listed principal\r\n" + unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := expect(tt.exit, tt.stderr, nil, false)
			want.known = tt.known
			sideBySide(t, want, func(who string) loginOutcome {
				return keyRun(t, who, tt.srv, true, knownHostsAt(t, "kh", tt.known))
			})
		})
	}
}

// TestHostKeyAlias looks the host key up, and records it, under
// HostKeyAlias instead of [127.0.0.1]:port.
func TestHostKeyAlias(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	srv := sshdtest.Start(t, sshdtest.Config{})
	entry := "goscp-alias " + hostKey(t, srv) + "\n"
	portEntry := "[127.0.0.1]:{PORT} " + hostKey(t, srv) + "\n"
	tests := []struct {
		name, before, strict string
		exit                 int
		stderr, after        string
	}{
		{"known", entry, "yes", 0, "", entry},
		{"accept-new", "", "accept-new", 0, "Warning: Permanently added 'goscp-alias' (ED25519) to the list of known hosts.\r\n", entry},
		// The alias has no entry: the [host]:port one does not count.
		{"port-entry-ignored", portEntry, "yes", 1, "No ED25519 host key is known for goscp-alias and you have requested strict checking.\r\nHost key verification failed.\r\nlost connection\n", portEntry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := expect(tt.exit, tt.stderr, nil, false)
			want.known = tt.after
			sideBySide(t, want, func(who string) loginOutcome {
				before := strings.ReplaceAll(tt.before, "{PORT}", strconv.Itoa(srv.Port))
				return keyRun(t, who, srv, true, knownHostsAt(t, "kh", before, "-o", "HostKeyAlias=goscp-alias", "-o", "StrictHostKeyChecking="+tt.strict))
			})
		})
	}
}

// TestPreferredAuthenticationsPassword: the server offers both methods;
// asked for password first, the client shows the password prompt rather
// than the keyboard-interactive one of ssh's default order.
func TestPreferredAuthenticationsPassword(t *testing.T) {
	needOurs(t)
	needOpenSSH(t)
	const password = "Right-pass-3"
	svc := newPAMService(t, password, "", "")
	srv := svc.start(t, "PasswordAuthentication yes", "KbdInteractiveAuthentication yes")
	steps := []step{{srv.User + "@127.0.0.1's password: ", password, true}}
	sideBySide(t, expect(0, "", steps, true), func(who string) loginOutcome {
		return promptedRun(t, who, srv, svc, true, []string{"-o", "BatchMode=no", "-o", "PreferredAuthentications=password"}, steps)
	})
}
