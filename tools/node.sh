#!/usr/bin/env bash
# Puts Node.js 24 first on PATH. Sourced by every project script.
# The machine's Node may be older (Debian's is 20); then Node 24 comes from the npm
# registry's `node-linux-<arch>` package (it carries the official binary) into .tools/.
O2C_NODE_VERSION="${O2C_NODE_VERSION:-24.21.0}"
O2C_ROOT="${O2C_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

o2c_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

o2c_ensure_node() {
  local sys_node
  sys_node=$(command -v node || true)
  if [ -n "$sys_node" ] && [ "$(o2c_node_major "$sys_node")" -ge 24 ]; then
    return 0
  fi
  local dir="$O2C_ROOT/.tools/node-v$O2C_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    local arch
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "o2c: no Node 24 package for $(uname -m); install Node 24 yourself" >&2; return 1 ;;
    esac
    command -v npm >/dev/null || { echo "o2c: npm is needed to fetch Node 24 (apt-get install npm)" >&2; return 1; }
    echo "o2c: installing Node $O2C_NODE_VERSION into $dir" >&2
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$O2C_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir/bin"
    tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp" package/bin/node
    mv "$tmp/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}
