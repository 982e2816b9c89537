// kokeilu's errors as Python exception classes. The C++ core throws kokeilu::Error subclasses;
// this is the only place where they become Python exceptions, so the mapping is in one table.
//
//   KokeiluError               base of all (an Exception); .code and .params are the message's
//                              stable code and parameters (see kokeilu/message.hpp)
//   NotFoundError              also a KeyError, so `except KeyError` works for look-ups
//   InvalidArgumentError       also a ValueError; .field names the field at fault
//   InvalidStateError          a lifecycle rule was broken
//   StorageError               .sqlite_code is the SQLite result code (0 when none)
//   SchemaError                not a kokeilu file, or written by a newer kokeilu
//
// Any other C++ exception becomes a KokeiluError too (memory exhaustion stays MemoryError), so no
// C++ exception reaches Python untranslated.
#include "pybind11.hpp"

#include "messages.hpp"

#include "kokeilu/error.hpp"

#include <exception>
#include <new>
#include <string>

namespace kokeilu::python {

namespace {

// The classes live as long as the process (the module is never unloaded), so they are plain new
// references that are never released: releasing them at exit could run after the interpreter is
// gone.
struct ErrorClasses {
    PyObject* base = nullptr;
    PyObject* not_found = nullptr;
    PyObject* invalid_argument = nullptr;
    PyObject* invalid_state = nullptr;
    PyObject* storage = nullptr;
    PyObject* schema = nullptr;
};

ErrorClasses error_classes;

PyObject* new_error_class(py::module_& m, const char* name, const char* doc, py::tuple bases,
                          py::dict attributes) {
    const std::string qualified = std::string("kokeilu.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), attributes.ptr());
    if (cls == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(cls));
    return cls;
}

// Raises an instance of cls with the message, its code and parameters and, for the attribute
// given, its value.
void raise(PyObject* cls, const Error& error, const char* attribute = nullptr, py::object value = {}) {
    py::object instance = py::reinterpret_borrow<py::object>(cls)(py::str(error.what()));
    instance.attr("code") = py::str(error.code());
    instance.attr("params") = message_params(error.message());
    if (attribute != nullptr) instance.attr(attribute) = std::move(value);
    PyErr_SetObject(cls, instance.ptr());
}

// A C++ exception that is not kokeilu's: no code of its own.
void raise_plain(PyObject* cls, const char* message) {
    py::object instance = py::reinterpret_borrow<py::object>(cls)(py::str(message));
    instance.attr("code") = py::str("error");
    instance.attr("params") = py::dict(py::arg("text") = py::str(message));
    PyErr_SetObject(cls, instance.ptr());
}

}  // namespace

void register_errors(py::module_& m) {
    const py::object builtins = py::module_::import("builtins");
    const py::object exception = builtins.attr("Exception");

    py::dict base_attributes;
    base_attributes["code"] = py::str("error");
    base_attributes["params"] = py::none();
    error_classes.base = new_error_class(
        m, "KokeiluError",
        "Base class of every error raised by kokeilu. The attribute `code` holds the message's stable code "
        "(e.g. 'value.not_finite') and `params` its parameters as a dict, so a program can say the error in "
        "its own words; str() is the English text.",
        py::make_tuple(exception), base_attributes);
    const py::object base = py::reinterpret_borrow<py::object>(error_classes.base);

    // KeyError's own __str__ quotes its message as if it were a key; the message is a sentence.
    py::dict not_found_attributes;
    not_found_attributes["__str__"] = exception.attr("__str__");
    error_classes.not_found =
        new_error_class(m, "NotFoundError", "No experiment, metric or arm of that key or name (also a KeyError).",
                        py::make_tuple(base, builtins.attr("KeyError")), not_found_attributes);

    py::dict invalid_argument_attributes;
    invalid_argument_attributes["field"] = py::str("");
    error_classes.invalid_argument = new_error_class(
        m, "InvalidArgumentError",
        "A value given is wrong (also a ValueError). The message is '<field>: <problem>'; the attribute "
        "`field` holds the field alone.",
        py::make_tuple(base, builtins.attr("ValueError")), invalid_argument_attributes);

    error_classes.invalid_state = new_error_class(
        m, "InvalidStateError",
        "The operation is not allowed in the experiment's current state, e.g. logging to a draft, or a "
        "change to the locked Test Card without a reason.",
        py::make_tuple(base), py::dict());

    py::dict storage_attributes;
    storage_attributes["sqlite_code"] = py::int_(0);
    error_classes.storage = new_error_class(
        m, "StorageError",
        "The tracker file could not be read or written. The attribute `sqlite_code` holds the SQLite "
        "result code (0 when there is none).",
        py::make_tuple(base), storage_attributes);

    error_classes.schema = new_error_class(
        m, "SchemaError", "The file is not a kokeilu tracker, or it was written by a newer kokeilu.",
        py::make_tuple(base), py::dict());

    py::class_<Message>(m, "Message",
                        "A message of the core as a stable code and its parameters (a warning of the analysis, a "
                        "status, the verdict); english() is its English text.")
        .def_readonly("code", &Message::code, "The stable code, e.g. 'stats.warning.few_observations'.")
        .def_property_readonly(
            "params",
            [](const Message& message) { return message_params(message); },
            "The parameters by name: counts as int, measured or given numbers as float, names as str.")
        .def("english", &Message::english, "The English text: the code's template with the parameters filled in.")
        .def("__repr__", [](const Message& message) {
            return "Message(" + py::repr(py::str(message.code)).cast<std::string>() + ", " +
                   py::repr(message_params(message)).cast<std::string>() + ")";
        });

    m.def(
        "message_templates",
        [] {
            py::dict templates;
            for (const auto& t : message_templates()) templates[py::str(t.code)] = py::str(t.english);
            return templates;
        },
        "Every message code of the core with its English template ('{name}' marks a parameter).");

    py::register_exception_translator([](std::exception_ptr thrown) {
        try {
            if (thrown) std::rethrow_exception(thrown);
        } catch (const InvalidArgumentError& e) {
            raise(error_classes.invalid_argument, e, "field", py::str(e.field()));
        } catch (const StorageError& e) {
            raise(error_classes.storage, e, "sqlite_code", py::int_(e.sqlite_code()));
        } catch (const Error& e) {
            switch (e.kind()) {
                case ErrorCode::not_found: raise(error_classes.not_found, e); break;
                case ErrorCode::invalid_argument: raise(error_classes.invalid_argument, e); break;
                case ErrorCode::invalid_state: raise(error_classes.invalid_state, e); break;
                case ErrorCode::storage: raise(error_classes.storage, e); break;
                case ErrorCode::schema: raise(error_classes.schema, e); break;
                default: raise(error_classes.base, e); break;
            }
        } catch (const py::builtin_exception&) {
            throw;  // pybind11's own (TypeError, ValueError, StopIteration, ...): it translates them
        } catch (const py::error_already_set&) {
            throw;  // already a Python exception
        } catch (const std::bad_alloc&) {
            throw;  // stays MemoryError
        } catch (const std::exception& e) {
            raise_plain(error_classes.base, e.what());
        }
    });
}

}  // namespace kokeilu::python
