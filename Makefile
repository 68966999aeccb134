# Convenience targets; each works alone on a fresh clone (dev.py sets up .venv itself).
.PHONY: run test lint format ci

run:
	python3 dev.py run

test:
	python3 dev.py test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

ci:
	.ci/run
