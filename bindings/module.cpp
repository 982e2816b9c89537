// kokeilu._core: assembles the compiled module from its areas. Each area is bound in its own
// register_<area>.cpp; the order matters only where a binding names another type in a default
// argument (enumerations first, then the values that use them, then the Tracker).
#include "pybind11.hpp"

namespace kokeilu::python {
void register_errors(py::module_& m);
void register_enums(py::module_& m);
void register_time(py::module_& m);
void register_model(py::module_& m);
void register_follow_ups(py::module_& m);
void register_experiment(py::module_& m);
void register_observations(py::module_& m);
void register_history(py::module_& m);
void register_tracker(py::module_& m);
void register_stats(py::module_& m);
void register_designs(py::module_& m);
}  // namespace kokeilu::python

PYBIND11_MODULE(_core, m) {
    m.doc() = "The compiled core of kokeilu. Import kokeilu instead: its names are the public ones.";
    m.attr("__version__") = KOKEILU_VERSION;
    kokeilu::python::datetime_api();  // fetched now, while the import holds the GIL
    using namespace kokeilu::python;
    register_errors(m);
    register_enums(m);
    register_time(m);
    register_model(m);
    register_follow_ups(m);
    register_experiment(m);
    register_observations(m);
    register_history(m);
    register_tracker(m);
    register_stats(m);
    register_designs(m);
}
