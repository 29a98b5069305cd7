"""Command line: ``mailgun-setup sandbox run -- <command>``, ``mailgun-setup sandbox up``,
``mailgun-setup handoff --stack NAME``, ``mailgun-setup import DOMAIN --stack NAME``,
``mailgun-setup doctor DOMAIN`` and ``mailgun-setup review --stack NAME``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import MailgunSetupError
from .handoff import HOST_FIELD
from .dns.names import bare


def _sandbox(action: str):
    """The sandbox commands live in the `mailgun-setup-sandbox` distribution (`mailgun_sandbox`)."""
    def handler(args) -> int:
        try:
            from mailgun_sandbox import cli as sandbox_cli
        except ImportError:
            raise MailgunSetupError("the sandbox is not installed: pip install 'mailgun-setup[sandbox]'") from None
        try:
            return getattr(sandbox_cli, action)(args)
        except sandbox_cli.SandboxError as exc:
            raise MailgunSetupError(str(exc)) from None
    return handler


def _stack_domains(args) -> dict:
    if args.from_json == "-":
        text, source = sys.stdin.read(), "stdin"
    elif args.from_json:
        try:
            text, source = Path(args.from_json).read_text(encoding="utf-8"), args.from_json
        except OSError as exc:
            raise MailgunSetupError(f"cannot read {args.from_json}: {exc.strerror}") from None
    else:
        # The state, not an output: a program written in code exports what it likes.
        from .pulumi_cli import PulumiCli, engine_env
        from .stack_state import domains_from_state
        pulumi = PulumiCli(Path(args.cwd), engine_env())
        exported = pulumi.run("stack", "export", "--stack", args.stack).stdout
        try:
            return domains_from_state(json.loads(exported))
        except (ValueError, AttributeError) as exc:
            raise MailgunSetupError(f"the state of stack {args.stack} is not `pulumi stack export` JSON: "
                                    f"{exc}") from None
    try:
        domains = json.loads(text)
        if isinstance(domains, str):  # exported as a JSON-encoded string
            domains = json.loads(domains)
    except ValueError as exc:
        raise MailgunSetupError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(domains, dict):
        raise MailgunSetupError(f"{source} is not a map of domain name to records")
    return domains


def handoff(args) -> int:
    from .handoff import render_csv, render_sheet

    if args.family and args.format != "csv":
        raise MailgunSetupError("--family: only with --format csv (the Markdown sheet lists every family)")
    domains = _stack_domains(args)
    if not domains:
        raise MailgunSetupError(f"stack {args.stack} has no domains: nothing to hand off "
                                "(has `pulumi up` run for it?)")
    try:
        if args.format == "csv":
            sheet = render_csv(domains, args.stack, args.family)
        else:
            sheet = render_sheet(domains, args.stack)
    except (KeyError, TypeError, ValueError) as exc:
        raise MailgunSetupError(f"cannot render the sheet for stack {args.stack}: {exc!r}") from None
    if args.output:
        try:
            Path(args.output).write_text(sheet, encoding="utf-8", newline="")
        except OSError as exc:
            raise MailgunSetupError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(sheet)
    return 0


def import_domain(args) -> int:
    from .pulumi_cli import PulumiCli, engine_env
    from .importer import import_domain as run_import

    sys.stdout.write(run_import(PulumiCli(Path(args.cwd), engine_env()), args.stack, args.domain,
                                preview_only=args.preview_only))
    return 0


def doctor(args) -> int:
    from .doctor import diagnose
    from .doctor.findings import render

    import dns.exception

    try:
        findings = diagnose(args.domain, args.region, resolver=args.resolver, zone=args.zone)
    except (dns.exception.DNSException, ValueError) as exc:
        raise MailgunSetupError(f"doctor {args.domain}: {exc}") from None
    sys.stdout.write(render(bare(args.domain), args.region, findings))
    return 0 if all(f.ok for f in findings) else 1


def _previews(args) -> list[dict]:
    """The preview documents: from files / stdin, or `pulumi preview --json` per stack."""
    texts = []
    for source in args.from_json or []:
        if source == "-":
            texts.append((sys.stdin.read(), "stdin"))
            continue
        try:
            texts.append((Path(source).read_text(encoding="utf-8"), source))
        except OSError as exc:
            raise MailgunSetupError(f"cannot read {source}: {exc.strerror}") from None
    if not args.from_json:
        from .pulumi_cli import PulumiCli, engine_env
        pulumi = PulumiCli(Path(args.cwd), engine_env())
        for stack in args.stack:
            result = pulumi.run("preview", "--json", "--stack", stack, check=False)
            if result.returncode != 0 and not result.stdout.strip().startswith("{"):
                raise MailgunSetupError(f"`pulumi preview --stack {stack}` failed:\n{result.stderr[-2000:]}")
            texts.append((result.stdout, f"the preview of stack {stack}"))
    documents = []
    for text, source in texts:
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise MailgunSetupError(f"{source} is not `pulumi preview --json` output: {exc}") from None
        if not isinstance(document, dict) or "steps" not in document and "changeSummary" not in document:
            raise MailgunSetupError(f"{source} is not `pulumi preview --json` output (no steps)")
        documents.append(document)
    return documents


def review(args) -> int:
    from .review import changes_of, dangers_of, render_comment, stack_of

    if not args.stack and not args.from_json:
        raise MailgunSetupError("review: give --stack NAME (repeatable) or --from-json FILE")
    documents = _previews(args)
    changes = [change for document in documents for change in changes_of(document)]
    stacks = list(dict.fromkeys(args.stack or [stack_of(d) for d in documents]))
    dangers = dangers_of(changes)
    comment = render_comment(changes, dangers, stacks)
    if args.output:
        try:
            Path(args.output).write_text(comment, encoding="utf-8")
        except OSError as exc:
            raise MailgunSetupError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(comment)
    return 1 if dangers and args.fail_on_danger else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailgun-setup", description=__doc__)
    commands = parser.add_subparsers(dest="area", required=True)
    sandbox = commands.add_parser("sandbox", help="local Mailgun, Route 53, Cloudflare and DNS servers")
    actions = sandbox.add_subparsers(dest="action", required=True)
    zones = argparse.ArgumentParser(add_help=False)
    zones.add_argument("--zone", action="append", default=[], metavar="PROVIDER:NAME",
                       help="create a public zone first, e.g. route53:company.com or cloudflare:example.org "
                            "(repeatable)")
    run = actions.add_parser("run", parents=[zones],
                             help="start the sandbox, run COMMAND with its variables set, stop it")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(handler=_sandbox("sandbox_run"))
    up = actions.add_parser("up", parents=[zones],
                            help="run the sandbox in the foreground and print the variables to export")
    up.set_defaults(handler=_sandbox("sandbox_up"))
    handoff_cmd = commands.add_parser("handoff", help="write the DNS records of a stack as a sheet for the "
                                                      "DNS administrator (Markdown)")
    handoff_cmd.add_argument("--stack", required=True, metavar="NAME", help="the Pulumi stack")
    handoff_cmd.add_argument("--output", metavar="FILE", help="write the sheet here (default: stdout)")
    handoff_cmd.add_argument("--from-json", metavar="FILE",
                             help="read a `domains` map (the YAML program's output) from FILE ('-' for stdin) instead of the stack's state")
    handoff_cmd.add_argument("--format", choices=["markdown", "csv"], default="markdown",
                             help="markdown (default) or csv, one row per record for bulk import")
    handoff_cmd.add_argument("--family", choices=sorted(HOST_FIELD), metavar="FAMILY",
                             help="csv: add a `host` column written as this DNS provider's host field wants it "
                                  f"({', '.join(HOST_FIELD)})")
    handoff_cmd.add_argument("--cwd", metavar="DIR", default=".", help="the Pulumi project folder (default: .)")
    handoff_cmd.set_defaults(handler=handoff)
    import_cmd = commands.add_parser("import", help="put an existing Mailgun domain, declared in the stack config, "
                                                    "under the stack (runs `pulumi import --file`)")
    import_cmd.add_argument("domain", help="the subdomain, as declared under `domains`")
    import_cmd.add_argument("--stack", required=True, metavar="NAME", help="the Pulumi stack")
    import_cmd.add_argument("--preview-only", action="store_true", help="show what would be imported, change nothing")
    import_cmd.add_argument("--cwd", metavar="DIR", default=".", help="the Pulumi project folder (default: .)")
    import_cmd.set_defaults(handler=import_domain)
    doctor_cmd = commands.add_parser("doctor", help="why a domain does not verify: ask Mailgun which records it "
                                                    "expects and check live DNS, one line per finding with its fix")
    doctor_cmd.add_argument("domain", help="the subdomain, e.g. mail.company.com")
    doctor_cmd.add_argument("--region", choices=["us", "eu"], default="us", help="the Mailgun region (default: us)")
    doctor_cmd.add_argument("--zone", metavar="NAME", help="the DNS zone holding the records (default: the "
                                                           "registrable domain)")
    doctor_cmd.add_argument("--resolver", metavar="HOST[:PORT],...",
                            help="the resolver to compare with the authoritative servers (default: "
                                 "$MAILGUN_SETUP_RESOLVER, else $MAILGUN_SETUP_NAMESERVERS, else the system's)")
    doctor_cmd.set_defaults(handler=doctor)
    review_cmd = commands.add_parser("review", help="render `pulumi preview --json` as one Markdown comment for a "
                                                    "pull request, dangerous changes first")
    review_cmd.add_argument("--stack", action="append", default=[], metavar="NAME",
                            help="run `pulumi preview --json` for this stack (repeatable: one comment for all)")
    review_cmd.add_argument("--from-json", action="append", metavar="FILE",
                            help="read preview JSON from FILE ('-' for stdin) instead of running pulumi (repeatable)")
    review_cmd.add_argument("--output", metavar="FILE", help="write the comment here (default: stdout)")
    review_cmd.add_argument("--fail-on-danger", action="store_true",
                            help="exit 1 when a change is dangerous (the comment is still written)")
    review_cmd.add_argument("--cwd", metavar="DIR", default=".", help="the Pulumi project folder (default: .)")
    review_cmd.set_defaults(handler=review)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except MailgunSetupError as exc:
        print(f"mailgun-setup: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
