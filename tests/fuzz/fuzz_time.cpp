// libFuzzer target: the date and time parsers, which read text from the command line, CSV files
// and the Python API, and the conversion of epoch numbers with their unit. The property is in
// time_property.hpp (the C++ tests replay the corpus and the regressions with it).
#include "time_property.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!kokeilu::fuzzing::time_property(text)) std::abort();
    return 0;
}
