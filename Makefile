# ckanext-utt1service — the commands the README lists.
.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help dev setup test test-fast test-e2e test-matrix stop status clean i18n bench-search bench-download bench-download-restricted bench-download-counting bench-report bench-load bench-profile bench-preview bench-pages bench-excel

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

dev:  ## set up everything and serve the portal with demo data at http://127.0.0.1:5000 (CKAN 2.11; CKAN_VERSION=2.12 for 2.12)
	@bin/dev

setup:  ## set up everything without serving (packages, venv, services, ckan.ini, demo data)
	@bin/setup

test:  ## run the whole test suite against real PostgreSQL, Solr, Redis and Chromium (CKAN 2.11; CKAN_VERSION=2.12 for 2.12)
	@bin/test

test-fast:  ## the suite without the browser tests (inner loop)
	@bin/test -m "not e2e"

test-e2e:  ## only the browser tests
	@bin/test -m e2e

# Every target above runs on CKAN 2.11 (.venv); CKAN_VERSION=2.12 (make test
# CKAN_VERSION=2.12, make dev CKAN_VERSION=2.12) uses CKAN 2.12 in .venv-2.12.
test-matrix:  ## the whole suite on CKAN 2.11, then on CKAN 2.12 (own databases and Solr cores); ARGS go to pytest
	@CKAN_VERSION=2.11 bin/test $(ARGS); a=$$?; CKAN_VERSION=2.12 bin/test $(ARGS); b=$$?; \
	  echo "CKAN 2.11: $$([ $$a = 0 ] && echo passed || echo FAILED)   CKAN 2.12: $$([ $$b = 0 ] && echo passed || echo FAILED)"; \
	  [ $$a = 0 ] && [ $$b = 0 ]

stop:  ## stop PostgreSQL, Redis, Solr and the dev background processes
	@for f in .local/worker.pid .local/mail.pid; do [ -f $$f ] && kill $$(cat $$f) 2>/dev/null; rm -f $$f; done; true
	@bin/services stop

status:  ## which services are running
	@bin/services status

clean:  ## stop everything and delete local data (.local, ckan.ini) after asking
	@read -p "Delete all local data in .local/ and ckan.ini (databases, index, uploads)? [y/N] " a; \
	  if [ "$$a" = y ] || [ "$$a" = Y ]; then \
	    $(MAKE) --no-print-directory stop; \
	    pg=$$(bin/services pg-home); rm -rf .local ckan.ini "$$pg/pg" "$$(bin/services solr-memory)"; echo "local data deleted"; \
	  else echo "nothing deleted"; fi

i18n:  ## extract strings into the .pot and merge them into the Thai catalog
	@.venv/bin/python setup.py -q extract_messages && .venv/bin/python setup.py -q update_catalog -l th
	@echo "now translate the empty msgstr entries in ckanext/utt1service/i18n/th/LC_MESSAGES/ckanext-utt1service.po"

bench-search:  ## Thai search vs the analysis before issue 14 and CKAN's stock analysis, 10,000 synthetic datasets (exits 1 on a missed goal)
	@bin/setup --no-demo
	@ROOT=$(CURDIR); . bin/lib.sh; bin/services createdb ckan_bench; \
	  export CKAN_SQLALCHEMY_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/ckan_bench" \
	    CKAN_SOLR_URL="http://127.0.0.1:$$SOLR_PORT/solr/ckan_test" CKAN_REDIS_URL="redis://127.0.0.1:$$REDIS_PORT/2" \
	    BENCH_SOLR="http://127.0.0.1:$$SOLR_PORT/solr" BENCH_SOLR_HOME="$$LOCAL/solr/home"; unset CKAN_INI; \
	  $$VENV/bin/ckan -c test.ini db init >"$$LOG/bench-db.log" 2>&1 || { echo "ckan db init failed, see $$LOG/bench-db.log"; exit 1; }; \
	  $$VENV/bin/python bench/search.py $(BENCH_ARGS)
bench-download-restricted:  ## median time to download a 1 MB restricted file (approved requester) vs public
	@bin/setup
	@CKAN_INI=$(CURDIR)/ckan.ini .venv/bin/python bench/download.py

bench-download: bench-download-restricted bench-download-counting  ## both download benchmarks: restricted vs public, counting on vs off

bench-download-counting:  ## median public-download time with download counting on vs off
	@bin/setup --no-demo >/dev/null
	@ROOT=$(CURDIR); . bin/lib.sh; bin/services createdb ckan_bench; \
	  bin/services datastore ckan_bench datastore_bench_counting >/dev/null; \
	  export CKAN_SQLALCHEMY_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/ckan_bench" \
	    CKAN_DATASTORE_WRITE_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench_counting" \
	    CKAN_DATASTORE_READ_URL="postgresql://$$DS_RO_USER:$$DS_RO_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench_counting" \
	    CKAN_SOLR_URL="http://127.0.0.1:$$SOLR_PORT/solr/ckan_test" \
	    CKAN_REDIS_URL="redis://127.0.0.1:$$REDIS_PORT/2" BENCH_STORAGE="$$LOCAL/bench-storage"; \
	  { $$VENV/bin/ckan -c test.ini db init && $$VENV/bin/ckan -c test.ini db upgrade -p activity \
	    && $$VENV/bin/ckan -c test.ini db upgrade -p utt1service; } >"$$LOG/bench-db.log" 2>&1 \
	    || { echo "database migration failed, see $$LOG/bench-db.log"; exit 1; }; \
	  $$VENV/bin/python bench/download_counting.py $(BENCH_ARGS)

bench-report:  ## the fiscal-year report at SIZES="1M 10M" events side by side with the growth factor (own databases ckan_bench_report_<size>; ARGS=--regenerate; exits 1 on a missed goal)
	@bin/setup --no-demo >/dev/null
	@ROOT="$(CURDIR)"; . bin/lib.sh; bin/services createdb ckan_bench >/dev/null; \
	  bin/services datastore ckan_bench datastore_bench_report >/dev/null; \
	  CKAN_SQLALCHEMY_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/ckan_bench" \
	  CKAN_DATASTORE_WRITE_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench_report" \
	  CKAN_DATASTORE_READ_URL="postgresql://$$DS_RO_USER:$$DS_RO_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench_report" \
	  CKAN_SOLR_URL="http://127.0.0.1:$$SOLR_PORT/solr/ckan_test" \
	  CKAN_REDIS_URL="redis://127.0.0.1:$$REDIS_PORT/3" \
	  CKAN_STORAGE_PATH="$$LOCAL/bench-storage" \
	  "$$VENV/bin/python" bench/report.py $(or $(SIZES),1M) $(ARGS)

bench-load:  ## requests/s and p50/p95/p99 of four pages under gunicorn, this extension beside stock CKAN, 1/8/32 clients (exits 1 on a missed goal)
	@bin/setup >/dev/null
	@ROOT="$(CURDIR)"; . bin/lib.sh; export CKAN_PORT CKAN_INI="$(CURDIR)/ckan.ini"; \
	  "$$VENV/bin/python" bench/load.py $(BENCH_ARGS)

bench-profile:  ## what one request of each bench-load page does, this extension beside stock CKAN: SQL statements, Solr/HTTP requests, Redis round trips, Python calls and CPU (counted, not timed; BENCH_ARGS="--profile dataset" for cProfile)
	@bin/setup >/dev/null
	@ROOT="$(CURDIR)"; . bin/lib.sh; export CKAN_INI="$(CURDIR)/ckan.ini"; \
	  "$$VENV/bin/python" bench/profile_pages.py $(BENCH_ARGS)

bench-excel:  ## Excel import of 500 new datasets: dry run and apply through the pages vs CKAN's package_create through the API, 50 of them extrapolated (exits 1 on a missed goal)
	@bin/setup --no-demo >/dev/null
	@ROOT="$(CURDIR)"; . bin/lib.sh; bin/services datastore ckan_bench datastore_bench; \
	  export CKAN_SQLALCHEMY_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/ckan_bench" \
	    CKAN_DATASTORE_WRITE_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench" \
	    CKAN_DATASTORE_READ_URL="postgresql://$$DS_RO_USER:$$DS_RO_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench" \
	    CKAN_SOLR_URL="http://127.0.0.1:$$SOLR_PORT/solr/ckan_test" \
	    CKAN_REDIS_URL="redis://127.0.0.1:$$REDIS_PORT/2" CKAN_STORAGE_PATH="$$LOCAL/bench-storage"; \
	  mkdir -p "$$LOCAL/bench-storage"; \
	  { $$VENV/bin/ckan -c test.ini db init && $$VENV/bin/ckan -c test.ini db upgrade -p activity \
	    && $$VENV/bin/ckan -c test.ini db upgrade -p utt1service; } >"$$LOG/bench-db.log" 2>&1 \
	    || { echo "database migration failed, see $$LOG/bench-db.log"; exit 1; }; \
	  $$VENV/bin/python bench/excel.py $(BENCH_ARGS)

bench-preview:  ## table previews: a 100,000-row Thai CSV through xloader; datastore_search p50/p95 vs the raw download (exits 1 on a missed goal)
	@bin/setup --no-demo >/dev/null
	@ROOT="$(CURDIR)"; . bin/lib.sh; bin/services datastore ckan_bench datastore_bench; \
	  export CKAN_SQLALCHEMY_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/ckan_bench" \
	    CKAN_DATASTORE_WRITE_URL="postgresql://$$PG_USER:$$PG_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench" \
	    CKAN_DATASTORE_READ_URL="postgresql://$$DS_RO_USER:$$DS_RO_PASSWORD@127.0.0.1:$$PG_PORT/datastore_bench" \
	    CKAN_SOLR_URL="http://127.0.0.1:$$SOLR_PORT/solr/ckan_test" \
	    CKAN_REDIS_URL="redis://127.0.0.1:$$REDIS_PORT/2" BENCH_STORAGE="$$LOCAL/bench-storage"; \
	  { $$VENV/bin/ckan -c test.ini db init && $$VENV/bin/ckan -c test.ini db upgrade -p activity \
	    && $$VENV/bin/ckan -c test.ini db upgrade -p utt1service; } >"$$LOG/bench-db.log" 2>&1 \
	    || { echo "database migration failed, see $$LOG/bench-db.log"; exit 1; }; \
	  $$VENV/bin/python bench/preview.py $(BENCH_ARGS)

bench-pages:  ## page weight and requests on a phone, first and repeat visit, vs CKAN's cache policy (Chromium; exits 1 on a missed goal)
	@CKAN_INI=$(CURDIR)/ckan.ini .venv/bin/python bench/page_weight.py
