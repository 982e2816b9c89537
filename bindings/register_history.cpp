// The history and its verification as Python classes: entries, batches' write results, voids,
// checkpoints and the report of a verification. Hashes cross as lower-case hexadecimal text.
#include "pybind11.hpp"

#include "kokeilu/history.hpp"
#include "kokeilu/verification.hpp"
#include "kokeilu/voiding.hpp"

#include <string>

namespace kokeilu::python {

namespace {

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

}  // namespace

void register_history(py::module_& m) {
    py::enum_<HistoryKind>(m, "HistoryKind", "What a history entry records.")
        .value("begin", HistoryKind::begin)
        .value("create", HistoryKind::create)
        .value("update", HistoryKind::update)
        .value("amend", HistoryKind::amend)
        .value("start", HistoryKind::start)
        .value("stop", HistoryKind::stop)
        .value("conclude", HistoryKind::conclude)
        .value("note", HistoryKind::note)
        .value("observations", HistoryKind::observations)
        .value("void", HistoryKind::void_observations)
        .value("delete", HistoryKind::delete_draft)
        .value("migrated", HistoryKind::migrated);

    py::class_<WriteResult>(m, "WriteResult", "What a write of observations did.")
        .def_readonly("rows", &WriteResult::rows, "Rows written (0 when the write repeated an earlier one).")
        .def_readonly("batch", &WriteResult::batch, "The batch id (of the earlier write, for a repeat).")
        .def_readonly("repeated", &WriteResult::repeated,
                      "True when the idempotency key had been used with the same content: nothing was written.")
        .def("__repr__", [](const WriteResult& r) {
            return "WriteResult(rows=" + std::to_string(r.rows) + ", batch=" + std::to_string(r.batch) +
                   ", repeated=" + (r.repeated ? "True" : "False") + ")";
        });

    py::class_<Batch>(m, "Batch", "One write of observations.")
        .def_readonly("id", &Batch::id)
        .def_readonly("first_observation_id", &Batch::first_observation_id)
        .def_readonly("last_observation_id", &Batch::last_observation_id)
        .def_readonly("rows", &Batch::rows)
        .def_property_readonly("content_sha256", [](const Batch& b) { return hex(b.content_sha256); })
        .def_readonly("idempotency_key", &Batch::idempotency_key)
        .def_readonly("migrated", &Batch::migrated);

    py::class_<HistoryEntry>(m, "HistoryEntry", "One entry of the history (a Merkle-tree leaf).")
        .def_readonly("index", &HistoryEntry::index, "Position in the log, from 1.")
        .def_readonly("at", &HistoryEntry::at)
        .def_readonly("kind", &HistoryEntry::kind)
        .def_readonly("experiment_uuid", &HistoryEntry::experiment_uuid)
        .def_readonly("payload", &HistoryEntry::payload, "What was recorded, as text; None once erased.")
        .def_property_readonly("salt", [](const HistoryEntry& e) { return hex(e.salt); })
        .def_property_readonly("payload_hash", [](const HistoryEntry& e) { return hex(e.payload_hash); })
        .def_property_readonly("leaf_hash", [](const HistoryEntry& e) { return hex(e.leaf_hash); })
        .def_readonly("batch", &HistoryEntry::batch);

    py::class_<HistoryLog>(m, "HistoryLog", "The log's name and how it began.")
        .def_readonly("log_id", &HistoryLog::log_id)
        .def_readonly("started_at", &HistoryLog::started_at)
        .def_readonly("from_schema", &HistoryLog::from_schema,
                      "0 when the log began with the file; n when it began at the migration from schema n.");

    py::class_<Checkpoint>(m, "Checkpoint", "The size and Merkle root of the log, as one line of text.")
        .def_static("parse", &Checkpoint::parse, py::arg("text"))
        .def_readonly("log_id", &Checkpoint::log_id)
        .def_readonly("size", &Checkpoint::size)
        .def_property_readonly("root", [](const Checkpoint& c) { return hex(c.root); })
        .def("__str__", &Checkpoint::to_text)
        .def("__eq__", [](const Checkpoint& a, const Checkpoint& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Checkpoint& c) { return "Checkpoint('" + c.to_text() + "')"; });

    py::class_<VoidRecord>(m, "VoidRecord", "Observations voided with a reason.")
        .def_readonly("id", &VoidRecord::id)
        .def_readonly("history_index", &VoidRecord::history_index)
        .def_readonly("at", &VoidRecord::at)
        .def_readonly("batch", &VoidRecord::batch)
        .def_readonly("observation_ids", &VoidRecord::observation_ids)
        .def_readonly("reason", &VoidRecord::reason)
        .def_readonly("author", &VoidRecord::author);

    py::class_<VerificationProblem>(m, "VerificationProblem", "One difference between the file and its history.")
        .def_readonly("experiment", &VerificationProblem::experiment)
        .def_readonly("field", &VerificationProblem::field)
        .def_readonly("row", &VerificationProblem::row)
        .def_readonly("problem", &VerificationProblem::problem)
        .def("__repr__", [](const VerificationProblem& p) {
            return "VerificationProblem(" + p.experiment + ", " + p.field +
                   (p.row ? ", row " + std::to_string(*p.row) : std::string()) + ": " + p.problem + ")";
        });

    py::class_<VerificationReport>(m, "VerificationReport", "What a verification found.")
        .def_readonly("problems", &VerificationReport::problems)
        .def_readonly("checkpoint", &VerificationReport::checkpoint)
        .def_readonly("log", &VerificationReport::log)
        .def_readonly("experiments", &VerificationReport::experiments)
        .def_readonly("batches", &VerificationReport::batches)
        .def_readonly("observations", &VerificationReport::observations)
        .def_property_readonly("ok", &VerificationReport::ok);
}

}  // namespace kokeilu::python
