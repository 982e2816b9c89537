# Finds kokeilu's C++ dependencies, all from Debian packages. When any is missing, configuration
# stops with one message that names every missing package, so the fix is one apt-get line.

set(_kokeilu_missing "")

find_package(SQLiteCpp QUIET)
if(NOT SQLiteCpp_FOUND)
  list(APPEND _kokeilu_missing libsqlitecpp-dev libsqlite3-dev)
endif()

# Boost.Date_Time for dates and times, Boost.Math (header-only) for distributions, Boost.Uuid
# (header-only) for identities.
find_package(Boost 1.74 QUIET CONFIG COMPONENTS date_time)
if(NOT Boost_FOUND)
  list(APPEND _kokeilu_missing libboost-date-time-dev libboost-math-dev)
elseif(NOT EXISTS "${Boost_INCLUDE_DIRS}/boost/math/distributions/students_t.hpp")
  list(APPEND _kokeilu_missing libboost-math-dev)
endif()

# Eigen 3 (header-only) for the least squares of the designs without a concurrent control
# (difference in differences, interrupted time series, regression adjustment). Only libkokeilu's
# sources include it, so neither its public headers nor an embedding program need it.
find_package(Eigen3 3.3 QUIET NO_MODULE)
if(NOT Eigen3_FOUND)
  list(APPEND _kokeilu_missing libeigen3-dev)
endif()

# utf8proc for Unicode: names are compared in NFC and refused when they hold invisible characters.
find_package(utf8proc QUIET)
if(NOT utf8proc_FOUND)
  list(APPEND _kokeilu_missing libutf8proc-dev)
endif()

# OpenSSL's libcrypto: SHA-256 and random bytes for the tamper-evident history.
find_package(OpenSSL 3 QUIET COMPONENTS Crypto)
if(NOT OpenSSL_FOUND)
  list(APPEND _kokeilu_missing libssl-dev)
endif()

if(KOKEILU_BUILD_TESTS)
  find_package(Catch2 2 QUIET)
  if(NOT Catch2_FOUND)
    list(APPEND _kokeilu_missing catch2)
  endif()
endif()

if(_kokeilu_missing)
  list(REMOVE_DUPLICATES _kokeilu_missing)
  list(JOIN _kokeilu_missing " " _kokeilu_missing_text)
  message(FATAL_ERROR
    "kokeilu needs Debian packages that are not installed: ${_kokeilu_missing_text}\n"
    "Install them with: apt-get install ${_kokeilu_missing_text}\n"
    "(or run 'make deps' in the kokeilu source tree)")
endif()
