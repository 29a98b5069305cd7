# The two commands of the README. Both set everything up themselves on a fresh clone.
.PHONY: setup test report demo bench

setup:
	@scripts/setup.sh

# The tests write their reliability results (with pytest's outcome and the commit measured) to
# build/reliability/results.json, which git ignores; `make test` changes no tracked file.
# Two workers (pytest-xdist), a test file each at a time: the engine tests mostly wait on processes.
# The load test measures three stacks against rate limits on their own: it runs afterwards, alone.
LOAD := tests/reliability/test_load.py
test: setup
	rm -rf build/reliability
	.venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --durations=25 --ignore=$(LOAD) tests; \
	status=$$?; .venv/bin/python -m pytest -q -p no:cacheprovider $(LOAD) || status=1; exit $$status

# docs/reliability.md from the last results file, explicitly (it says when that run was not green).
report:
	python3 scripts/reliability_report.py

demo: setup
	.venv/bin/mailgun-setup sandbox run --zone route53:company.com --zone cloudflare:example.org -- scripts/demo.sh

bench: setup
	.venv/bin/python bench/run.py $(BENCH_ARGS)
