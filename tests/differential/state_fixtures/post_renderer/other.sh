#!/bin/sh
# A second post-renderer, so that which one ran shows.
echo "# post-rendered by other.sh, arguments: $*"
cat
