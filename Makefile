# The two commands of the README. Both set everything up themselves on a fresh clone.
.PHONY: setup test demo bench

setup:
	@scripts/setup.sh

# docs/reliability.md is generated from the results the tests just wrote, pass or fail.
test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider tests; status=$$?; \
	.venv/bin/python scripts/reliability_report.py && exit $$status

demo: setup
	.venv/bin/mailgun-setup sandbox run --zone route53:company.com --zone cloudflare:example.org -- scripts/demo.sh

bench: setup
	.venv/bin/python bench/run.py $(BENCH_ARGS)
