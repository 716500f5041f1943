#!/bin/sh
# A second post-renderer, so that which one ran shows.
sed "s/^metadata:\$/metadata:\n  labels:\n    post-rendered: \"by other.sh, arguments: $*\"/"
