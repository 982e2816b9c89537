# Reliability and security tests, for `include tests/reliability/reliability.mk` in the Makefile
# (which defines VENV_PY, SUDO and the python target).
#   make test-reliability  kills, concurrent writers, read-only and full disk, hostile input (~2 min)
#   make test-fuzz         libFuzzer and atheris targets, FUZZ_SECONDS each (default 30; 45 when
#                          `make test` runs it), FUZZ_JOBS targets at a time (default 2)
#   make stress            2,000 kills, 60 s of concurrency and 300 s per fuzz target
# The C++ fault-injection test (tests/cpp/test_fault_injection.cpp) runs with the C++ suite
# (sanitize in `make test`, test-cpp).
FUZZ_SECONDS ?=
FUZZ_JOBS ?= 2
# A target-specific value reaches the prerequisites of its target, so `make test` (whose steps are
# test-all's) fuzzes each target for 45 s and `make test-fuzz` alone for 30 s; FUZZ_SECONDS=N on
# the command line wins. (Five targets two at a time: three rounds of 45 s in `make test`.)
FUZZ_DEFAULT_SECONDS := 30
test-all: FUZZ_DEFAULT_SECONDS := 45

.PHONY: test-reliability fuzz-deps test-fuzz stress

test-reliability: python
	$(NO_SKIPS) $(VENV_PY) -m pytest -q -p no:cacheprovider tests/reliability

fuzz-deps: python
	@missing=$$(for p in clang libclang-rt-14-dev; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@$(VENV_PY) -c "import atheris" 2>/dev/null || $(VENV_PY) -m pip install -q atheris

test-fuzz: fuzz-deps
	PYTHON=$(VENV_PY) KOKEILU_FUZZ_SECONDS=$(or $(FUZZ_SECONDS),$(FUZZ_DEFAULT_SECONDS)) KOKEILU_FUZZ_JOBS=$(FUZZ_JOBS) \
	  tests/fuzz/run.sh

stress: python fuzz-deps
	KOKEILU_STRESS=1 KOKEILU_CONCURRENCY_SECONDS=60 $(VENV_PY) -m pytest -q -p no:cacheprovider tests/reliability
	PYTHON=$(VENV_PY) KOKEILU_FUZZ_SECONDS=300 KOKEILU_FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh
