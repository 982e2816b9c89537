// The history and its verification as Python classes: entries, batches' write results, voids,
// checkpoints and the report of a verification. Hashes cross as lower-case hexadecimal text.
#include "pybind11.hpp"

#include "kokeilu/bundle_rows.hpp"
#include "kokeilu/exchange.hpp"
#include "kokeilu/experiment_record.hpp"
#include "kokeilu/history.hpp"
#include "kokeilu/verification.hpp"
#include "kokeilu/voiding.hpp"

#include <iterator>
#include <string>
#include <vector>

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
    m.def("experiment_from_record", &experiment_from_record, py::arg("record"),
          "The experiment a record describes (the inverse of experiment_record).");
    py::class_<ExperimentOrigin>(m, "ExperimentOrigin", "Where an imported experiment came from.")
        .def_readonly("organisation", &ExperimentOrigin::organisation, "The organisation that exported it.")
        .def_readonly("exporter", &ExperimentOrigin::exporter, "Who exported it.")
        .def_readonly("log_id", &ExperimentOrigin::log_id, "The exporter's history log.")
        .def_readonly("content_sha256", &ExperimentOrigin::content_sha256,
                      "SHA-256 of the record, journal and rows imported (hexadecimal).")
        .def_readonly("checkpoint", &ExperimentOrigin::checkpoint,
                      "The exporter's checkpoint when it exported: a later bundle from there must extend it.")
        .def_readonly("bundle_id", &ExperimentOrigin::bundle_id,
                      "The id of the bundle it was imported from last ('' when not kept).")
        .def_readonly("privacy", &ExperimentOrigin::privacy,
                      "The privacy level it came at: 'cards', 'aggregate' or 'units' ('' when not said).")
        .def_readonly("imported_at", &ExperimentOrigin::imported_at, "When it was imported (UTC).")
        .def("__repr__", [](const ExperimentOrigin& o) {
            return "ExperimentOrigin(organisation=" + py::repr(py::str(o.organisation)).cast<std::string>() + ")";
        });
    py::class_<BundleRows>(m, "BundleRows",
                           "The rows of a bundle's observations or cells part, read, hashed and checked in C++.")
        .def_readonly("rows", &BundleRows::rows, "Rows of the part (suppressed cells included).")
        .def_readonly("sha256", &BundleRows::sha256, "SHA-256 of the part as the format hashes it.")
        .def_readonly("first_row", &BundleRows::first_row,
                      "The experiments the rows name, each with the part's row where its rows begin.");
    m.def(
        "read_bundle_rows",
        [](const std::string& path, const std::string& part, std::size_t max_field_bytes) {
            py::gil_scoped_release release;
            return read_bundle_rows(path, part, max_field_bytes);
        },
        py::arg("path"), py::arg("part"), py::arg("max_field_bytes") = std::size_t{1} << 20,
        "Reads the observations or cells part of the bundle at path (kokeilu/bundle_rows.hpp).");
    py::class_<BundleRowSource>(m, "BundleRowSource",
                                "The observations and cells parts of a bundle, read by an import as it writes them.")
        .def(py::init([](const std::string& path, const std::vector<std::tuple<std::string, std::int64_t, std::string>>& parts,
                         std::size_t max_field_bytes) {
                 std::vector<BundleRowSource::Part> expected;
                 for (const auto& [name, rows, sha256] : parts) expected.push_back({name, rows, sha256});
                 return std::make_unique<BundleRowSource>(path, expected, max_field_bytes);
             }),
             py::arg("path"), py::arg("parts"), py::arg("max_field_bytes") = std::size_t{1} << 20,
             "Opens the parts (name, rows, SHA-256 as the manifest lists them) of the bundle at path.");
    py::class_<IncomingExperiment>(m, "IncomingExperiment", "One experiment as another tracker exported it.")
        .def(py::init([](std::string record, std::vector<Observation> observations, const py::iterable& journal,
                         std::string organisation, std::string exporter, std::string log_id,
                         std::string checkpoint, std::string bundle_id, std::string privacy) {
                 IncomingExperiment in;
                 in.record = std::move(record);
                 in.observations = std::move(observations);
                 std::size_t i = 0;
                 for (const py::handle item : journal) {
                     const auto note = item.cast<py::tuple>();
                     if (note.size() != 3)
                         throw InvalidArgumentError("journal[" + std::to_string(i) + "]",
                                                    Message{"bundle.record_form", {}});
                     JournalEntry entry;
                     entry.at = time_argument(note[0], "journal[" + std::to_string(i) + "].at", std::nullopt);
                     entry.author = note[1].cast<std::string>();
                     entry.text = note[2].cast<std::string>();
                     in.journal.push_back(std::move(entry));
                     ++i;
                 }
                 in.origin.organisation = std::move(organisation);
                 in.origin.exporter = std::move(exporter);
                 in.origin.log_id = std::move(log_id);
                 in.origin.checkpoint = std::move(checkpoint);
                 in.origin.bundle_id = std::move(bundle_id);
                 in.origin.privacy = std::move(privacy);
                 return in;
             }),
             py::arg("record"), py::kw_only(), py::arg("observations") = std::vector<Observation>{},
             py::arg("journal") = py::list(), py::arg("organisation") = "", py::arg("exporter") = "",
             py::arg("log_id") = "", py::arg("checkpoint") = "", py::arg("bundle_id") = "", py::arg("privacy") = "")
        .def_readonly("record", &IncomingExperiment::record)
        .def_property_readonly("rows", [](const IncomingExperiment& in) { return in.observations.size(); });
    py::enum_<ImportAction>(m, "ImportAction", "What an import did with one experiment.")
        .value("added", ImportAction::added)
        .value("updated", ImportAction::updated)
        .value("unchanged", ImportAction::unchanged)
        .value("conflict", ImportAction::conflict);
    py::class_<ImportedExperiment>(m, "ImportedExperiment", "What an import did with one experiment, and why.")
        .def_readonly("uuid", &ImportedExperiment::uuid)
        .def_readonly("key", &ImportedExperiment::key)
        .def_readonly("action", &ImportedExperiment::action)
        .def_readonly("reason", &ImportedExperiment::reason, "Why a conflict (or an older state) was not written.")
        .def_readonly("rows", &ImportedExperiment::rows, "Observations written.")
        .def("__repr__", [](const ImportedExperiment& r) {
            return "ImportedExperiment(key=" + py::repr(py::str(r.key)).cast<std::string>() + ", action=" +
                   std::string(to_string(r.action)) + ")";
        });

    m.def("experiment_record", &experiment_record, py::arg("experiment"),
          "The record of the experiment's state as its history keeps it (the text a bundle carries).");

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
        .value("migrated", HistoryKind::migrated)
        .value("imported", HistoryKind::imported);

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
