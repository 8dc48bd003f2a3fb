package transport

import (
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
	return auth.Options{
		User:                  cfg.User,
		HostName:              cfg.HostName,
		Port:                  cfg.Port,
		IdentityFiles:         cfg.IdentityFiles,
		DefaultIdentities:     cfg.DefaultIdentities,
		IdentitiesOnly:        cfg.IdentitiesOnly,
		IdentityAgent:         cfg.IdentityAgent,
		BatchMode:             cfg.BatchMode,
		StrictHostKeyChecking: cfg.StrictHostKeyChecking,
		UserKnownHostsFiles:   cfg.UserKnownHostsFiles,
		GlobalKnownHostsFiles: cfg.GlobalKnownHostsFiles,
		Stderr:                opts.Stderr,
		Quiet:                 quiet(cfg),
		Prompter:              prompter,
		Debug:                 debugLog(cfg, opts),
	}
}
