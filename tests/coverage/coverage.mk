# Branch coverage of libkokeilu under the Catch2 suite, for `include tests/coverage/coverage.mk` in
# the Makefile (which defines deps, SUDO, JOBS and WERROR).
#   make coverage  builds libkokeilu and tests/cpp with gcc --coverage -O0 in build/coverage, runs
#                  the suite once, and writes docs/coverage.md; fails when the store or the
#                  statistics are under COVERAGE_MIN_BRANCHES % branch coverage.
# Not part of `make test`: an instrumented -O0 build of everything costs several minutes of CI.
COVERAGE_BUILD ?= build/coverage
COVERAGE_MIN_BRANCHES ?= 90
# Branch coverage on, counting only decisions written in kokeilu's code: gcov runs through
# gcov_branch_filter.py, which removes the branches gcc adds by itself (to every call's unwinding
# path, and in lines without a conditional, such as the destruction of a coded error's parameters),
# as lcov's exception setting and lcov 2's `--filter branch` do; Debian 12's lcov 1.16 can do neither.
COVERAGE_LCOV_RC := --rc lcov_branch_coverage=1 --rc geninfo_no_exception_branch=1 \
                    --rc geninfo_gcov_tool=$(CURDIR)/tests/coverage/gcov_branch_filter.py

.PHONY: coverage coverage-deps

coverage-deps: deps
	@dpkg-query -W -f='$${Status}\n' lcov 2>/dev/null | grep -q '^install ok installed' || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq lcov; }

coverage: coverage-deps
	cmake -Wno-dev -S . -B $(COVERAGE_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ \
	  -DCMAKE_CXX_FLAGS="--coverage -O0" -DCMAKE_EXE_LINKER_FLAGS="--coverage" \
	  -DKOKEILU_INSTALL=OFF -DKOKEILU_WARNINGS_AS_ERRORS=$(WERROR) >/dev/null
	@# Counts start from zero: old counts would not match a rebuilt object, and the build's test
	@# discovery runs the executable once.
	lcov -q --zerocounters --directory $(COVERAGE_BUILD)
	cmake --build $(COVERAGE_BUILD) -j $(JOBS)
	lcov -q --zerocounters --directory $(COVERAGE_BUILD)
	@# The baseline makes a source that no test reaches count as 0 %, not vanish from the report.
	lcov -q $(COVERAGE_LCOV_RC) --capture --initial --directory $(COVERAGE_BUILD) \
	  --output-file $(COVERAGE_BUILD)/baseline.info
	cd $(COVERAGE_BUILD) && tests/cpp/kokeilu_tests
	lcov -q $(COVERAGE_LCOV_RC) --capture --directory $(COVERAGE_BUILD) --output-file $(COVERAGE_BUILD)/tests.info
	lcov -q $(COVERAGE_LCOV_RC) --add-tracefile $(COVERAGE_BUILD)/baseline.info \
	  --add-tracefile $(COVERAGE_BUILD)/tests.info --output-file $(COVERAGE_BUILD)/all.info
	lcov -q $(COVERAGE_LCOV_RC) --extract $(COVERAGE_BUILD)/all.info '$(CURDIR)/libkokeilu/*' \
	  --output-file $(COVERAGE_BUILD)/libkokeilu.info
	python3 tests/coverage/report.py $(COVERAGE_BUILD)/libkokeilu.info --root $(CURDIR) \
	  --out docs/coverage.md --min-branches $(COVERAGE_MIN_BRANCHES) \
	  --command "make coverage" --flags "$(subst $(CURDIR)/,,$(COVERAGE_LCOV_RC))"
