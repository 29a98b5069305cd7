#!/usr/bin/env bash
# The main job on the sandbox (run by `make demo` inside `mailgun-setup sandbox run`):
# a stack from empty to applied, its outputs, the record as DNS serves it, a no-change
# preview, then destroy. The project is copied to a temporary folder so the demo's state and
# the encryption salt Pulumi writes into the stack file never touch the clone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/project" "$WORK/state" "$WORK/home"
cp -r "$ROOT/Pulumi.yaml" "$ROOT/programs" "$ROOT/stacks" "$WORK/project/"
. "$ROOT/scripts/env.sh"
export PULUMI_HOME="$WORK/home" PULUMI_BACKEND_URL="file://$WORK/state" PULUMI_CONFIG_PASSPHRASE=sandbox-demo
cd "$WORK/project"
step() { printf '\n=== %s\n' "$*"; }

step "pulumi stack init sandbox"
pulumi stack init sandbox --non-interactive
step "pulumi up"
pulumi up --yes --non-interactive
step "stack outputs"
pulumi stack output --json
name=$(sed -n 's/.*recordName: //p' stacks/Pulumi.sandbox.yaml)
step "what DNS serves now for $name (dig @${MAILGUN_SETUP_NAMESERVERS})"
dig +short @"${MAILGUN_SETUP_NAMESERVERS%:*}" -p "${MAILGUN_SETUP_NAMESERVERS#*:}" "$name" TXT
step "pulumi preview --expect-no-changes"
pulumi preview --expect-no-changes --non-interactive
step "pulumi destroy"
pulumi destroy --yes --non-interactive
pulumi stack rm sandbox --yes --non-interactive
