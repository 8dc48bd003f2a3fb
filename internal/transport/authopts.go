package transport

import (
	"strings"

	"github.com/goscp/goscp/auth"
	"github.com/goscp/goscp/internal/sshconfig"
)

// authOptions hands package auth what the evaluated configuration says
// about logging in and checking the host key.
func authOptions(cfg *sshconfig.Config, opts Options) auth.Options {
	prompter := opts.Prompter
	if cfg.BatchMode {
		prompter = nil
	}
	jump := cfg.Get("ProxyJump")
	return auth.Options{
		User:                         cfg.User,
		HostName:                     cfg.HostName,
		Port:                         cfg.Port,
		IdentityFiles:                cfg.IdentityFiles,
		DefaultIdentities:            cfg.DefaultIdentities,
		CertificateFiles:             cfg.CertificateFiles,
		IdentitiesOnly:               cfg.IdentitiesOnly,
		IdentityAgent:                cfg.IdentityAgent,
		BatchMode:                    cfg.BatchMode,
		StrictHostKeyChecking:        cfg.StrictHostKeyChecking,
		UserKnownHostsFiles:          cfg.UserKnownHostsFiles,
		GlobalKnownHostsFiles:        cfg.GlobalKnownHostsFiles,
		HostKeyAlias:                 cfg.Get("HostKeyAlias"),
		HashKnownHosts:               cfg.Get("HashKnownHosts") == "yes",
		CheckHostIP:                  cfg.Get("CheckHostIP") == "yes",
		Proxied:                      cfg.ProxyCommand != "" || jump != "" && jump != "none",
		PreferredAuthentications:     cfg.Get("PreferredAuthentications"),
		PubkeyAuthentication:         cfg.Get("PubkeyAuthentication"),
		KbdInteractiveAuthentication: cfg.Get("KbdInteractiveAuthentication"),
		PasswordAuthentication:       cfg.Get("PasswordAuthentication"),
		NumberOfPasswordPrompts:      cfg.Get("NumberOfPasswordPrompts"),
		Stderr:                       opts.Stderr,
		LogLevel:                     cfg.Get("LogLevel"),
		Prompter:                     prompter,
		Debug:                        authLog(cfg, opts),
	}
}

// authLog is ssh's log for package auth: the debug lines as debugLog
// prints them, and auth.Verbose lines bare, from LogLevel VERBOSE up.
func authLog(cfg *sshconfig.Config, opts Options) func(level int, msg string) {
	debug := debugLog(cfg, opts)
	verbose := debugLevel(cfg) > 0 || strings.EqualFold(cfg.Get("LogLevel"), "VERBOSE")
	return func(level int, msg string) {
		switch {
		case level != auth.Verbose:
			debug(level, msg)
		case verbose && opts.Debug != nil:
			opts.Debug(msg)
		}
	}
}
