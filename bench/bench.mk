# `make bench`: kokeilu against raw SQLite (C API), Python sqlite3, pandas/scipy and MLflow.
# Builds what it needs (a Release wheel of kokeilu in its own virtual environment with the peers
# from PyPI, and the C/C++ baselines), runs every comparison, prints the table and writes it with
# the machine description to docs/benchmarks.md. `make bench QUICK=1` runs reduced sizes in under
# two minutes once built, and writes build/bench-work/benchmarks-quick.md instead. `make bench
# ONLY=command` runs the `kokeilu log` whole-process row alone (into build/bench-work, never over
# docs/benchmarks.md, which holds every row of one run).
BENCH_VENV ?= build/bench-venv
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_BUILD ?= build/bench-cpp
BENCH_WORK ?= build/bench-work
BENCH_JOBS ?= 2
QUICK ?=
ONLY ?=
BENCH_OUT := $(if $(ONLY),$(BENCH_WORK)/benchmarks-$(ONLY).md,$(if $(QUICK),$(BENCH_WORK)/benchmarks-quick.md,docs/benchmarks.md))

.PHONY: bench bench-deps bench-env bench-cpp

# Google Benchmark is optional: without it the micro-benchmarks are skipped, the rest runs.
bench-deps: deps
	@dpkg-query -W -f='$${Status}\n' libbenchmark-dev 2>/dev/null | grep -q '^install ok installed' || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libbenchmark-dev; } || \
	  echo "libbenchmark-dev could not be installed: the micro-benchmarks are skipped"

$(BENCH_PY):
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q --upgrade pip

# kokeilu is installed as users get it: a Release wheel, not editable. Its build directory is the
# benchmark's own, so it never touches the development build.
bench-env: bench-deps $(BENCH_PY)
	$(BENCH_PY) -m pip install -q numpy pandas scipy mlflow scikit-build-core pybind11 ninja
	@# kokeilu's own dependencies, as pyproject.toml lists them (the wheel below is installed without).
	$(BENCH_PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
	  | xargs -d '\n' $(BENCH_PY) -m pip install -q
	CMAKE_BUILD_PARALLEL_LEVEL=$(BENCH_JOBS) $(BENCH_PY) -m pip install -q --no-build-isolation --no-deps \
	  --force-reinstall -Cbuild-dir=$(CURDIR)/build/bench-wheel -Ccmake.build-type=Release .

bench-cpp: bench-deps
	cmake -Wno-dev -S bench -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BENCH_BUILD) -j $(BENCH_JOBS)

bench: bench-env bench-cpp
	$(BENCH_PY) bench/run.py $(if $(QUICK),--quick) $(if $(ONLY),--only $(ONLY)) --bin $(BENCH_BUILD) --work $(BENCH_WORK) --out $(BENCH_OUT)
