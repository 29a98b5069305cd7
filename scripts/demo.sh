#!/usr/bin/env bash
# The main job on the sandbox (run by `make demo` inside `mailgun-setup sandbox run`):
# the sandbox stack from empty to Verified with its senders and route, its outputs, the
# records as DNS serves them, a mail sent and one received, a no-change preview, then destroy. The project is copied to a temporary folder so the demo's state and
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
step "pulumi preview (every record on its own line)"
pulumi preview --non-interactive
step "pulumi up"
time pulumi up --yes --non-interactive --skip-preview
step "stack outputs"
pulumi stack output --json
step "mail: one sent over SMTP with a sender's outputs, one received through a route"
pulumi stack output senderPasswords --json --show-secrets | python "$ROOT/scripts/demo_mail.py" mail.company.com
step "what the authoritative DNS server serves now (dig @${MAILGUN_SETUP_NAMESERVERS})"
for q in "mail.company.com TXT" "mg2048._domainkey.mail.company.com TXT" "mail.company.com MX" \
         "_mailgun-setup.mail.company.com TXT" "email.mg.example.org CNAME"; do
  printf '%-40s ' "$q"
  dig +short @"${MAILGUN_SETUP_NAMESERVERS%:*}" -p "${MAILGUN_SETUP_NAMESERVERS#*:}" $q | cut -c1-90 | paste -sd' '
done
step "pulumi preview --expect-no-changes"
time pulumi preview --expect-no-changes --non-interactive
step "mailgun-setup handoff --stack sandbox (the sheet a DNS administrator would get)"
mailgun-setup handoff --stack sandbox | head -30
step "pulumi destroy"
time pulumi destroy --yes --non-interactive --skip-preview
pulumi stack rm sandbox --yes --non-interactive
