// A coded message's parameters as a Python dict (name -> int, float or str), for the exceptions'
// `.params` and the problems a check reports.
#pragma once

#include "pybind11.hpp"

#include "kokeilu/message.hpp"

#include <variant>

namespace kokeilu::python {

inline py::dict message_params(const Message& message) {
    py::dict params;
    for (const auto& p : message.params)
        params[py::str(p.name)] = std::visit([](const auto& v) -> py::object { return py::cast(v); }, p.value);
    return params;
}

}  // namespace kokeilu::python
