# Mutation testing, for `include tests/mutation/mutation.mk` in the Makefile (which defines BUILD,
# VENV_PY, WERROR and the targets cpp and python). Not part of `make test`: every C++ mutant costs
# a rebuild, and mutmut runs the Python suites once per mutated function.
#   make mutation          both; results in build/mutation/, scores in docs/mutation.md (by hand)
#   make mutation-cpp      the mutants of tests/mutation/cpp_mutants.toml, one at a time
#                          (MUTANTS="id-or-area ..." runs a selection)
#   make mutation-python   mutmut over _tracker.py, _columns.py and cli/ with the pytest suites
#                          (MUTATION_PY="python/kokeilu/_columns.py ..." narrows it)
# The C++ runner rebuilds $(BUILD) after each mutant; with ccache (used when installed, see
# MUTATION_LAUNCHER) putting a file back costs a cache hit instead of a compile.
MUTMUT_VERSION := 3.8.1
MUTANTS ?=
MUTATION_PY ?=
MUTATION_JOBS ?= 2
MUTATION_LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),ccache)

.PHONY: mutation mutation-cpp mutation-python

# Both run even when the first finds survivors (its exit status says so); the worse status wins.
mutation:
	@status=0; $(MAKE) --no-print-directory mutation-cpp || status=$$?; \
	  $(MAKE) --no-print-directory mutation-python || status=$$?; exit $$status

# The build of `make cpp`, with ccache as its compiler launcher when there is one (the first time
# this rebuilds everything once).
mutation-cpp: cpp
	$(if $(MUTATION_LAUNCHER),cmake -Wno-dev -S . -B $(BUILD) -DCMAKE_CXX_COMPILER_LAUNCHER=$(MUTATION_LAUNCHER) >/dev/null)
	python3 tests/mutation/run_cpp_mutants.py --build $(BUILD) --jobs $(MUTATION_JOBS) \
	  $(if $(MUTANTS),--only $(MUTANTS))

mutation-python: python
	$(VENV_PY) -m pip install -q mutmut==$(MUTMUT_VERSION)
	$(VENV_PY) tests/mutation/run_py_mutants.py --max-children $(MUTATION_JOBS) \
	  $(if $(MUTATION_PY),--only $(MUTATION_PY))
