package sshconfig

// keyword is one ssh_config keyword: the name ssh -G prints it under and how
// its arguments are parsed and stored.
type keyword struct {
	name  string
	parse func(*line) error
}

// keywords holds every keyword OpenSSH 9.2 (Debian build, with GSSAPI and
// PKCS#11) accepts, by lowercase spelling; aliases share the canonical name.
// It is filled in init because Include parses files, which looks keywords up.
var keywords map[string]keyword

func init() { keywords = keywordTable() }

func keywordTable() map[string]keyword {
	return map[string]keyword{
		// Silently ignored, deprecated (a debug message in ssh) and unsupported
		// (an error message, but not fatal).
		"protocol":              {"protocol", consume},
		"cipher":                {"cipher", deprecated},
		"fallbacktorsh":         {"fallbacktorsh", deprecated},
		"globalknownhostsfile2": {"globalknownhostsfile2", deprecated},
		"rhostsauthentication":  {"rhostsauthentication", deprecated},
		"useblacklistedkeys":    {"useblacklistedkeys", deprecated},
		"userknownhostsfile2":   {"userknownhostsfile2", deprecated},
		"useroaming":            {"useroaming", deprecated},
		"usersh":                {"usersh", deprecated},
		"useprivilegedport":     {"useprivilegedport", deprecated},

		"afstokenpassing":         {"afstokenpassing", unsupported},
		"kerberosauthentication":  {"kerberosauthentication", unsupported},
		"kerberostgtpassing":      {"kerberostgtpassing", unsupported},
		"rsaauthentication":       {"rsaauthentication", unsupported},
		"rhostsrsaauthentication": {"rhostsrsaauthentication", unsupported},
		"compressionlevel":        {"compressionlevel", unsupported},

		// Blocks.
		"host":    {"host", parseHost},
		"match":   {"match", parseMatch},
		"include": {"include", parseInclude},

		// Connection.
		"hostname":            {"hostname", parseString},
		"user":                {"user", parseString},
		"port":                {"port", parsePort},
		"proxycommand":        {"proxycommand", parseProxyCommand},
		"proxyjump":           {"proxyjump", parseProxyJump},
		"proxyusefdpass":      {"proxyusefdpass", parseFlag},
		"addressfamily":       {"addressfamily", multistate(addressFamilyStates)},
		"bindaddress":         {"bindaddress", parseString},
		"bindinterface":       {"bindinterface", parseString},
		"connecttimeout":      {"connecttimeout", parseTime},
		"connectionattempts":  {"connectionattempts", parseInt},
		"serveraliveinterval": {"serveraliveinterval", parseTime},
		"protocolkeepalives":  {"serveraliveinterval", parseTime},
		"setuptimeout":        {"serveraliveinterval", parseTime},
		"serveralivecountmax": {"serveralivecountmax", parseInt},
		"tcpkeepalive":        {"tcpkeepalive", parseFlag},
		"keepalive":           {"tcpkeepalive", parseFlag},
		"ipqos":               {"ipqos", parseIPQoS},
		"rekeylimit":          {"rekeylimit", parseRekeyLimit},
		"compression":         {"compression", multistate(compressionStates)},
		"batchmode":           {"batchmode", parseFlag},
		"controlmaster":       {"controlmaster", multistate(controlMasterStates)},
		"controlpath":         {"controlpath", parseString},
		"controlpersist":      {"controlpersist", parseControlPersist},

		// Host canonicalisation.
		"canonicaldomains":            {"canonicaldomains", parseCanonicalDomains},
		"canonicalizefallbacklocal":   {"canonicalizefallbacklocal", parseFlag},
		"canonicalizehostname":        {"canonicalizehostname", multistate(canonicalizeStates)},
		"canonicalizemaxdots":         {"canonicalizemaxdots", parseInt},
		"canonicalizepermittedcnames": {"canonicalizepermittedcnames", parsePermittedCNAMEs},

		// Host keys.
		"stricthostkeychecking":            {"stricthostkeychecking", multistate(strictStates)},
		"userknownhostsfile":               {"userknownhostsfile", parseList(maxHostsFiles)},
		"globalknownhostsfile":             {"globalknownhostsfile", parseList(maxHostsFiles)},
		"knownhostscommand":                {"knownhostscommand", parseCommand},
		"hashknownhosts":                   {"hashknownhosts", parseFlag},
		"checkhostip":                      {"checkhostip", parseFlag},
		"hostkeyalias":                     {"hostkeyalias", parseString},
		"hostkeyalgorithms":                {"hostkeyalgorithms", parseAlgorithms(keyAlgorithms)},
		"casignaturealgorithms":            {"casignaturealgorithms", parseAlgorithms(keyAlgorithms)},
		"revokedhostkeys":                  {"revokedhostkeys", parseString},
		"updatehostkeys":                   {"updatehostkeys", multistate(yesNoAskStates)},
		"verifyhostkeydns":                 {"verifyhostkeydns", multistate(yesNoAskStates)},
		"visualhostkey":                    {"visualhostkey", parseFlag},
		"fingerprinthash":                  {"fingerprinthash", parseFingerprintHash},
		"nohostauthenticationforlocalhost": {"nohostauthenticationforlocalhost", parseFlag},

		// Algorithms.
		"ciphers":       {"ciphers", parseAlgorithms(cipherAlgorithms)},
		"macs":          {"macs", parseAlgorithms(macAlgorithms)},
		"kexalgorithms": {"kexalgorithms", parseAlgorithms(kexAlgorithms)},

		// Authentication.
		"identityfile":                    {"identityfile", parseIdentityFile},
		"identityfile2":                   {"identityfile", parseIdentityFile},
		"identitiesonly":                  {"identitiesonly", parseFlag},
		"identityagent":                   {"identityagent", parseIdentityAgent},
		"certificatefile":                 {"certificatefile", parseCertificateFile},
		"addkeystoagent":                  {"addkeystoagent", parseAddKeysToAgent},
		"preferredauthentications":        {"preferredauthentications", parseString},
		"passwordauthentication":          {"passwordauthentication", parseFlag},
		"numberofpasswordprompts":         {"numberofpasswordprompts", parseInt},
		"kbdinteractiveauthentication":    {"kbdinteractiveauthentication", parseFlag},
		"challengeresponseauthentication": {"kbdinteractiveauthentication", parseFlag},
		"skeyauthentication":              {"kbdinteractiveauthentication", parseFlag},
		"tisauthentication":               {"kbdinteractiveauthentication", parseFlag},
		"kbdinteractivedevices":           {"kbdinteractivedevices", parseString},
		"pubkeyauthentication":            {"pubkeyauthentication", multistate(pubkeyStates)},
		"dsaauthentication":               {"pubkeyauthentication", multistate(pubkeyStates)},
		"pubkeyacceptedalgorithms":        {"pubkeyacceptedalgorithms", parseAlgorithms(keyAlgorithms)},
		"pubkeyacceptedkeytypes":          {"pubkeyacceptedalgorithms", parseAlgorithms(keyAlgorithms)},
		"hostbasedauthentication":         {"hostbasedauthentication", parseFlag},
		"hostbasedacceptedalgorithms":     {"hostbasedacceptedalgorithms", parseAlgorithms(keyAlgorithms)},
		"hostbasedkeytypes":               {"hostbasedacceptedalgorithms", parseAlgorithms(keyAlgorithms)},
		"enablesshkeysign":                {"enablesshkeysign", parseFlag},
		"requiredrsasize":                 {"requiredrsasize", parseInt},
		"pkcs11provider":                  {"pkcs11provider", parseString},
		"smartcarddevice":                 {"pkcs11provider", parseString},
		"securitykeyprovider":             {"securitykeyprovider", parseString},
		"gssapiauthentication":            {"gssapiauthentication", parseFlag},
		"gssapidelegatecredentials":       {"gssapidelegatecredentials", parseFlag},
		"gssapikeyexchange":               {"gssapikeyexchange", parseFlag},
		"gssapitrustdns":                  {"gssapitrustdns", parseFlag},
		"gssapirenewalforcesrekey":        {"gssapirenewalforcesrekey", parseFlag},
		"gssapiclientidentity":            {"gssapiclientidentity", parseString},
		"gssapiserveridentity":            {"gssapiserveridentity", parseString},
		"gssapikexalgorithms":             {"gssapikexalgorithms", parseAlgorithms(gssKexAlgorithms)},

		// Session, environment, forwarding.
		"sendenv":                 {"sendenv", parseSendEnv},
		"setenv":                  {"setenv", parseSetEnv},
		"requesttty":              {"requesttty", multistate(requestTTYStates)},
		"sessiontype":             {"sessiontype", multistate(sessionTypeStates)},
		"stdinnull":               {"stdinnull", parseFlag},
		"forkafterauthentication": {"forkafterauthentication", parseFlag},
		"remotecommand":           {"remotecommand", parseCommand},
		"localcommand":            {"localcommand", parseCommand},
		"permitlocalcommand":      {"permitlocalcommand", parseFlag},
		"escapechar":              {"escapechar", parseEscapeChar},
		"enableescapecommandline": {"enableescapecommandline", parseFlag},
		"forwardagent":            {"forwardagent", parseForwardAgent},
		"forwardx11":              {"forwardx11", parseFlag},
		"forwardx11trusted":       {"forwardx11trusted", parseFlag},
		"forwardx11timeout":       {"forwardx11timeout", parseTime},
		"xauthlocation":           {"xauthlocation", parseString},
		"localforward":            {"localforward", parseForward},
		"remoteforward":           {"remoteforward", parseForward},
		"dynamicforward":          {"dynamicforward", parseForward},
		"permitremoteopen":        {"permitremoteopen", parsePermitRemoteOpen},
		"clearallforwardings":     {"clearallforwardings", parseFlag},
		"exitonforwardfailure":    {"exitonforwardfailure", parseFlag},
		"gatewayports":            {"gatewayports", parseFlag},
		"streamlocalbindmask":     {"streamlocalbindmask", parseBindMask},
		"streamlocalbindunlink":   {"streamlocalbindunlink", parseFlag},
		"tunnel":                  {"tunnel", multistate(tunnelStates)},
		"tunneldevice":            {"tunneldevice", parseTunnelDevice},

		// Logging and the rest.
		"loglevel":       {"loglevel", parseLogLevel},
		"logverbose":     {"logverbose", parseList(0)},
		"syslogfacility": {"syslogfacility", parseSyslogFacility},
		"ignoreunknown":  {"ignoreunknown", parseString},
	}
}

// Multistate tables map each accepted spelling (lowercase) to the one
// ssh -G prints for it.
var (
	flagStates          = map[string]string{"yes": "yes", "true": "yes", "no": "no", "false": "no"}
	yesNoAskStates      = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "ask": "ask"}
	strictStates        = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "off": "false", "ask": "ask", "accept-new": "accept-new"}
	compressionStates   = map[string]string{"yes": "yes", "no": "no"}
	addressFamilyStates = map[string]string{"inet": "inet", "inet6": "inet6", "any": "any"}
	controlMasterStates = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "auto": "auto", "ask": "ask", "autoask": "autoask"}
	tunnelStates        = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "ethernet": "ethernet", "point-to-point": "point-to-point"}
	requestTTYStates    = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "force": "force", "auto": "auto"}
	sessionTypeStates   = map[string]string{"none": "none", "subsystem": "subsystem", "default": "default"}
	canonicalizeStates  = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "always": "always"}
	pubkeyStates        = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "unbound": "unbound", "host-bound": "host-bound"}
	addKeysStates       = map[string]string{"yes": "true", "true": "true", "no": "false", "false": "false", "ask": "ask", "confirm": "confirm"}
)

// Limits ssh enforces on list keywords.
const (
	maxHostsFiles    = 32
	maxIdentityFiles = 100
	maxCertFiles     = 100
	maxCanonDomains  = 32
)
