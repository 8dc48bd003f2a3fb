#!/usr/bin/env bash
# make dist: one archive per target in dist/, goscp_VERSION_OS_ARCH.tar.gz,
# holding a directory of that name with the static CMDS (VERSION stamped
# through LDFLAGS), the man pages doc/*.1, README.md and LICENSE; then
# dist/SHA256SUMS. The archives are byte for byte reproducible: names sorted,
# owner root, every time the last commit's, gzip without a name or time.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${GO:=go}" "${VERSION:=dev}" "${LDFLAGS:=}" "${CMDS:=scp sftp}"
: "${TARGETS:=linux/amd64}"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

rm -rf dist
mkdir -p dist
for target in $TARGETS; do
	goos=${target%/*} goarch=${target#*/}
	name=goscp_${VERSION}_${goos}_${goarch}
	dir=dist/$name
	exe=
	[ "$goos" != windows ] || exe=.exe
	mkdir -p "$dir"
	for cmd in $CMDS; do
		echo "build $target $cmd"
		CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch "$GO" build -trimpath -ldflags "-s -w $LDFLAGS" \
			-o "$dir/$cmd$exe" "./cmd/$cmd"
	done
	cp doc/*.1 README.md LICENSE "$dir/"
	tar -C dist --sort=name --owner=0 --group=0 --numeric-owner --mode=u+rwX,go+rX,go-w --mtime="@$epoch" -cf - "$name" |
		gzip -9 -n >"$dir.tar.gz"
	rm -r "$dir"
done
(cd dist && sha256sum -- *.tar.gz >SHA256SUMS)
ls -l dist
