# The two commands of the README. Both set everything up themselves on a fresh clone.
.PHONY: setup test demo bench

setup:
	@scripts/setup.sh

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider tests

demo: setup
	.venv/bin/mailgun-setup sandbox run --zone route53:company.com --zone cloudflare:example.org -- scripts/demo.sh

bench: setup
	.venv/bin/python bench/run.py $(BENCH_ARGS)
