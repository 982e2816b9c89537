# kokeilu's commands. Each target installs what it needs that is missing (Debian packages, the
# Python virtual environment, the build), so `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BUILD ?= build/cpp
INSTALL_PREFIX ?= $(CURDIR)/build/install
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# CI turns warnings into errors; users' builds are never forced to.
WERROR ?= OFF

APT_PACKAGES := g++ cmake make libsqlite3-dev libsqlitecpp-dev libboost-date-time-dev libboost-math-dev \
                libeigen3-dev libutf8proc-dev libssl-dev catch2 python3-venv faketime libfaketime tzdata gettext \
                chromium chromium-driver r-cran-metafor
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps cpp cpp-configure install-library python test test-all test-cpp test-embed test-python test-python-clock-ahead test-python-clock-back \
        test-python-clocks test-reliability-clock-ahead check-clock-ahead run-python-unit run-python-clock-back \
        run-python-clock-ahead run-reliability-clock-ahead demo sanitize clean

help:
	@echo "make demo   create the demo trackers (kokeilut.db, and Kajaani's, Ii's and Kuusamo's beside it) and the report"
	@echo "make test   build everything and run every test"
	@echo "make deps   install the Debian packages kokeilu needs (when missing)"
	@echo "make test-python-clock-ahead  the Python suites with the clock two years ahead (UTC+14)"
	@echo "make test-python-clock-back   the Python unit suite 330 days back from 23:59:59 UTC (UTC-9)"
	@echo "make sanitize  the C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer"
	@echo "make coverage  branch coverage of libkokeilu under the C++ tests, into docs/coverage.md"
	@echo "make test-fuzz, make stress  fuzzing; 2,000 kills and long concurrency runs"
	@echo "make mutation  mutation testing of libkokeilu and the Python layer (slow; not in make test)"
	@echo "make clean  remove build output"

# Debian packages: installed only when one is missing, so repeated runs cost one dpkg query.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

cpp: cpp-configure
	cmake --build $(BUILD) -j $(JOBS)
cpp-configure: deps
	cmake -Wno-dev -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKOKEILU_WARNINGS_AS_ERRORS=$(WERROR) \
	  -DCMAKE_INSTALL_PREFIX=$(INSTALL_PREFIX) >/dev/null

# The library alone, installed into build/install with its headers and CMake package, as an
# embedding developer installs it.
install-library: cpp-configure
	cmake --build $(BUILD) --target kokeilu -j $(JOBS)
	cmake --install $(BUILD) --component development >/dev/null

test-cpp: cpp
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Installs libkokeilu into build/install and builds examples/embed against the installed package,
# as an embedding developer would, then runs it on a fresh tracker file.
test-embed: install-library
	@mkdir -p build
	cmake -S examples/embed -B build/embed -DCMAKE_PREFIX_PATH=$(INSTALL_PREFIX) >build/embed-configure.txt 2>&1
	@# A consumer's configure is silent: no warning of ours or of our dependencies' packages.
	@if grep -qi "warning" build/embed-configure.txt; then cat build/embed-configure.txt; exit 1; fi
	cmake --build build/embed -j $(JOBS)
	rm -f build/embed/test.db build/embed/test.db-wal build/embed/test.db-shm
	build/embed/embed build/embed/test.db | tee build/embed/first-run.txt
	grep -q "Recorded OULU-EMBED-001" build/embed/first-run.txt
	build/embed/embed build/embed/test.db | grep -q "already in"

# The Python package, installed into the project's virtual environment with everything the tests,
# notebooks and type checks use. The build reuses build/{wheel_tag}, so a second run only
# recompiles what changed.
VENV_PY := $(VENV)/bin/python
$(VENV_PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install -q --upgrade pip

# PYTHON_LIBRARY, an install prefix of libkokeilu, makes the module link that library instead of
# compiling it again: `make test` sets it to the library the C++ build installed.
PYTHON_LIBRARY ?=
python: deps $(VENV_PY) $(if $(PYTHON_LIBRARY),install-library)
	$(VENV_PY) -m pip install -q scikit-build-core pybind11 ninja
	$(VENV_PY) -m pip install -q --no-build-isolation -Ccmake.define.KOKEILU_WARNINGS_AS_ERRORS=$(WERROR) \
	  -Ccmake.define.KOKEILU_LIBRARY_PREFIX="$(PYTHON_LIBRARY)" ".[test,typing,notebook,excel]"
	@# gbstats, the reference for the Bayesian and sequential tests, pins pandas<2 in its metadata
	@# only; without its pins it runs on the pandas kokeilu uses.
	$(VENV_PY) -m pip install -q pydantic && $(VENV_PY) -m pip install -q --no-deps gbstats==0.8.0

# Under make test a skipped test fails the run unless tests/allowed_skips.txt lists it (tests/skip_guard.py).
NO_SKIPS := KOKEILU_FORBID_SKIPS=1

test-python: python
	@$(MAKE) --no-print-directory run-python-unit
run-python-unit:
	$(NO_SKIPS) $(VENV_PY) -m pytest -q

# The Python suites again under other clocks, through libfaketime, which shifts every clock of the
# process and its children: the unit and reliability suites two years ahead in the zone of
# Pacific/Kiritimati (UTC+14, where the local day is ahead of UTC's for most of it), so a test that only
# passes before some date fails now, not months from now; the unit suite about 330 days back, starting
# at 23:59:59 in America/Anchorage (UTC-9/-8; libfaketime reads the start in the process's zone) so
# that it runs across the local midnight. The first command of each checks that the shift really took
# effect: a preload that fails to load is only a warning, and the run would then prove nothing. The
# check's margin is wide (300 days back) because the start's distance from now depends on the hour the
# run begins: a run at 00:30 UTC starts less than 329 days back.
FAKETIME_LIB := /usr/lib/$(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/faketime/libfaketime.so.1
CLOCK_AHEAD := FAKETIME="+730d" TZ=Pacific/Kiritimati LD_PRELOAD=$(FAKETIME_LIB)
check-clock-ahead:
	@real=$$(date +%s); $(CLOCK_AHEAD) $(VENV_PY) -c "import sys, time; sys.exit(0 if time.time() - $$real > 729 * 86400 else 'the clock was not shifted: is libfaketime installed?')"
test-python-clock-ahead: python
	@$(MAKE) --no-print-directory run-python-clock-ahead run-reliability-clock-ahead
run-python-clock-ahead: check-clock-ahead
	$(NO_SKIPS) $(CLOCK_AHEAD) $(VENV_PY) -m pytest -q -p no:cacheprovider tests/python
run-reliability-clock-ahead: check-clock-ahead
	$(NO_SKIPS) $(CLOCK_AHEAD) $(VENV_PY) -m pytest -q -p no:cacheprovider tests/reliability

test-python-clock-back: python
	@$(MAKE) --no-print-directory run-python-clock-back
run-python-clock-back:
	@back=$$(date -u -d "330 days ago" +%F); real=$$(date +%s); \
	clock=(FAKETIME="@$$back 23:59:59" TZ=America/Anchorage LD_PRELOAD=$(FAKETIME_LIB)); \
	env "$${clock[@]}" $(VENV_PY) -c "import sys, time; sys.exit(0 if $$real - time.time() > 300 * 86400 else 'the clock was not shifted: is libfaketime installed?')" && \
	env "$${clock[@]}" $(NO_SKIPS) $(VENV_PY) -m pytest -q -p no:cacheprovider tests/python

# `make test` runs the unit suite under the real clock, 330 days back and two years ahead at the
# same time: each is one single-threaded process, so two cores share three instead of running the
# third after the first two. On 2026-12-07 the three (2,363 tests each) took 334 s side by side; the
# unit suite alone took 180 s the day before, with 2,193 tests. Each writes its own log, shown when
# all are done. The shifted runs keep their own mypy
# caches (for test_api.py) and their own pytest temporary folders, so no two write one file.
test-python-clocks: python
	@mkdir -p build/logs build/pytest-clock-back build/pytest-clock-ahead
	@$(MAKE) --no-print-directory run-python-unit >build/logs/python-now.txt 2>&1 & now=$$!; \
	MYPY_CACHE_DIR=$(CURDIR)/build/mypy-cache-clock-back PYTEST_DEBUG_TEMPROOT=$(CURDIR)/build/pytest-clock-back \
	  $(MAKE) --no-print-directory run-python-clock-back \
	  >build/logs/python-clock-back.txt 2>&1 & back=$$!; \
	MYPY_CACHE_DIR=$(CURDIR)/build/mypy-cache-clock-ahead PYTEST_DEBUG_TEMPROOT=$(CURDIR)/build/pytest-clock-ahead \
	  $(MAKE) --no-print-directory run-python-clock-ahead \
	  >build/logs/python-clock-ahead.txt 2>&1 & ahead=$$!; \
	status=0; wait $$now || status=1; wait $$back || status=1; wait $$ahead || status=1; \
	cat build/logs/python-now.txt build/logs/python-clock-back.txt build/logs/python-clock-ahead.txt; exit $$status

# The reliability suite two years ahead runs alone: its concurrent writers and kills keep the cores.
test-reliability-clock-ahead: python
	@$(MAKE) --no-print-directory run-reliability-clock-ahead

# The library is compiled twice, not four times: the C++ suite runs once, under the sanitizers
# (Debug); the library build/cpp compiles (RelWithDebInfo) is the one the embedding test installs
# and the Python module links; the fuzz targets build their own with clang. `make test-cpp` runs the
# suite against build/cpp's optimised library.
test:
	@$(MAKE) --no-print-directory test-all PYTHON_LIBRARY=$(INSTALL_PREFIX)
test-all: sanitize test-embed test-python-clocks test-reliability-clock-ahead test-reliability test-fuzz

DEMO_DB ?= kokeilut.db

demo: python
	$(VENV_PY) -m kokeilu demo --db $(DEMO_DB) --overwrite
	$(VENV_PY) -m kokeilu.report --db $(DEMO_DB) --out build/report/portfolio.html

clean:
	rm -rf build

# Kills, concurrent writers, read-only and full disk, hostile input; fuzzing and stress.
include tests/reliability/reliability.mk

# The C++ suite under AddressSanitizer and UndefinedBehaviorSanitizer (the CMake preset "sanitize").
sanitize: deps
	cmake -Wno-dev --preset sanitize >/dev/null
	cmake --build --preset sanitize -j $(JOBS)
	ctest --preset sanitize -j $(JOBS)

# Branch coverage of libkokeilu (make coverage; results in docs/coverage.md).
include tests/coverage/coverage.mk

# The benchmark against raw SQLite, pandas/scipy and MLflow (make bench, make bench QUICK=1).
include bench/bench.mk

# Mutation testing of libkokeilu and of the Python layer (make mutation; results in docs/mutation.md).
include tests/mutation/mutation.mk
