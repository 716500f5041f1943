#!/bin/sh
# A post-renderer: says who ran it with which arguments, then passes the manifests through.
echo "# post-rendered by render.sh, arguments: $*"
cat
