# Benchmarks of the hot paths under gunicorn (see bench/ and docs/deployment.md).
#   make bench                 the whole benchmark on SQLite (7-8 minutes on 2 cores; 9 on PostgreSQL)
#   make bench-small           a few requests on tiny data (about 20 s): checks that the benchmark runs
#   make bench-postgres        the whole benchmark on a throw-away PostgreSQL
#   make soak                  20 minutes of mixed load on SQLite: crashes, 5xx, memory growth (about 25 min)
#   make soak-postgres         the same on a throw-away PostgreSQL
#   BENCH_DATABASE_URL=postgresql://user@host/db make bench   on a PostgreSQL server of yours
#                              (a database is created there for the run, then dropped)
PYTHON ?= .venv/bin/python

.PHONY: bench bench-small bench-postgres soak soak-postgres

.venv/bin/python:
	./scripts/setup.sh

bench: .venv/bin/python
	$(PYTHON) -m bench

bench-small: .venv/bin/python
	$(PYTHON) -m bench --small --out $${TMPDIR:-/tmp}/consult-bench-small

bench-postgres: .venv/bin/python
	./scripts/with-postgres.sh sh -c 'BENCH_DATABASE_URL="$$DATABASE_URL" $(PYTHON) -m bench'

soak: .venv/bin/python
	$(PYTHON) -m bench.soak

soak-postgres: .venv/bin/python
	./scripts/with-postgres.sh sh -c 'BENCH_DATABASE_URL="$$DATABASE_URL" $(PYTHON) -m bench.soak'
