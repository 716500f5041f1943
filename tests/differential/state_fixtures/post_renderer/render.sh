#!/bin/sh
# A post-renderer: records who ran it with which arguments in a label (inside the document, where
# helm 3 and helm 4 both keep it), then passes the manifests through.
sed "s/^metadata:\$/metadata:\n  labels:\n    post-rendered: \"by render.sh, arguments: $*\"/"
