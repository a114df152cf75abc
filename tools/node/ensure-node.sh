#!/usr/bin/env bash
# Source this file: it puts a Node >= 22.22 first on PATH (engines allows 22.12 for the services;
# the scripts need type stripping and testcontainers 12, so 22.22), provisioning the pinned
# version (.nvmrc) from the npm registry's `node` package when the machine's is older.
_reclaim_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_reclaim_pin="$(tr -d '[:space:]' < "$_reclaim_root/.nvmrc")"
_reclaim_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'
}
if ! _reclaim_node_ok; then
  _reclaim_prefix="$_reclaim_root/.tooling/node-$_reclaim_pin"
  if [ ! -x "$_reclaim_prefix/node_modules/node/bin/node" ]; then
    echo "[reclaim] provisioning Node $_reclaim_pin from the npm registry into .tooling/" >&2
    mkdir -p "$_reclaim_prefix"
    (cd "$_reclaim_prefix" && echo '{"private":true}' > package.json &&
      npm install --no-save --no-audit --no-fund --loglevel=error "node@$_reclaim_pin" >&2) || {
      echo "[reclaim] could not provision Node $_reclaim_pin" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_reclaim_prefix/node_modules/node/bin:$_reclaim_prefix/node_modules/.bin:$PATH"
  _reclaim_node_ok || { echo "[reclaim] Node $_reclaim_pin did not install correctly" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f _reclaim_node_ok
unset _reclaim_root _reclaim_pin _reclaim_prefix
