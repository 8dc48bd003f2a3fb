package main

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Modes of the tree's entries.
const (
	modeDir  = 0o040755
	modeFile = 0o100644
	modeLink = 0o120777
)

// fixedTime is every entry's atime and mtime (2020-09-13).
const fixedTime = 1600000000

// home is what REALPATH "." answers.
const home = "/h"

// node is one entry of the fake's tree.
type node struct {
	name     string
	mode     uint32
	size     uint64
	longname string // empty: one is made up like sftp-server's
}

func (n *node) isDir() bool { return n.mode&0o170000 == 0o040000 }

func (n *node) long() string {
	if n.longname != "" {
		return n.longname
	}
	kind := "-rw-r--r--"
	if n.isDir() {
		kind = "drwxr-xr-x"
	}
	return fmt.Sprintf("%s    1 0        0        %8d Sep 13  2020 %s", kind, n.size, n.name)
}

func dirNode(name string) *node               { return &node{name: name, mode: modeDir} }
func fileNode(name string, size uint64) *node { return &node{name: name, mode: modeFile, size: size} }

// contentByte is the byte at off of every file (e2e computes the same).
func contentByte(off uint64) byte { return byte(off*131 + off>>9) }

// content fills p with the file content from off on.
func content(p []byte, off uint64) {
	for i := range p {
		p[i] = contentByte(off + uint64(i))
	}
}

// honest is the tree every scenario starts from.
var honest = map[string][]*node{
	"/":      {dirNode("h")},
	"/h":     {fileNode("f", 200000), dirNode("d")},
	"/h/d":   {fileNode("a", 100), fileNode("big", 300000), dirNode("s")},
	"/h/d/s": {fileNode("c", 1000)},
}

// honestStat finds p in the honest tree.
func honestStat(p string) (*node, bool) {
	if p == "/" {
		return dirNode("/"), true
	}
	dir, name := path.Split(p)
	kids, ok := honest[path.Clean(dir)]
	if !ok {
		return nil, false
	}
	i := slices.IndexFunc(kids, func(n *node) bool { return n.name == name })
	if i < 0 {
		return nil, false
	}
	return kids[i], true
}

// honestList lists a directory of the honest tree, "." and ".." first.
func honestList(p string) []*node {
	kids, ok := honest[p]
	if !ok {
		return nil
	}
	return append([]*node{dirNode("."), dirNode("..")}, kids...)
}

// resolve makes a request path absolute and clean, as REALPATH does.
func resolve(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = home + "/" + p
	}
	return path.Clean(p)
}
