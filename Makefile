# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SWIFT ?= swift
BIN := .build/debug/blumpo

.PHONY: setup build run test test-e2e test-fuzz test-chaos bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build --product blumpo

# Builds, starts the embedded PostgreSQL (unless DATABASE_URL is set), migrates, seeds and serves.
run: build
	$(BIN) serve --seed

# Everything the suite needs, then the whole suite (tests start their own PostgreSQL).
test:
	@BLUMPO_SETUP_TESTS=1 scripts/setup.sh
	$(SWIFT) build --build-tests
	scripts/test.sh

# The web app in headless Chromium: the marketer's whole journey, every page checked and
# photographed (.blumpo/screenshots).
test-e2e:
	@BLUMPO_SETUP_TESTS=1 scripts/setup.sh
	$(SWIFT) build --product blumpo
	.blumpo/venv/bin/python3 Tests/E2E/e2e.py
	.blumpo/venv/bin/python3 Tests/E2E/e2e_admin.py

# schemathesis against a running server, from its own OpenAPI document, as a user and as an
# admin: no server error, no response the document does not describe, the server alive after.
# FUZZ_SECONDS (per role) and FUZZ_EXAMPLES bound the run.
test-fuzz:
	@BLUMPO_SETUP_TESTS=1 BLUMPO_SETUP_FUZZ=1 scripts/setup.sh
	$(SWIFT) build --product blumpo
	.blumpo/fuzz-venv/bin/python3 Tests/Fuzz/fuzz.py

# A mixed workload on one API and two worker processes while a worker is killed mid-render,
# PostgreSQL stops for a few seconds and the blob store's disk is full; then every job has ended,
# every webhook credited once and the ledger reconciles. CHAOS_USERS and CHAOS_JOBS_PER_USER size it.
test-chaos:
	@BLUMPO_SETUP_TESTS=1 scripts/setup.sh
	$(SWIFT) build --product blumpo
	.blumpo/venv/bin/python3 Tests/Chaos/chaos.py

# Performance targets, as ratios against a baseline measured in the same run (release build).
bench:
	@scripts/bench.sh

clean:
	rm -rf .build .blumpo/test
