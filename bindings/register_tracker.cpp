// kokeilu._core.Tracker: the core's Tracker for Python. Every call releases the GIL while the core
// works (SQLite I/O, validation of a million rows), and takes the tracker's own lock, because with
// the GIL released two Python threads could otherwise use one SQLite connection at once. The lock
// is only ever taken with the GIL released, so that a thread holding the lock can always take the
// GIL (only the notice of a wait for another writer does, see wait_notice), and the two cannot
// deadlock.
//
// Bulk data crosses as numpy arrays: logged columns are read in place (c_style | forcecast
// converts other dtypes and layouts once, before the GIL is released), and observations read back
// become numpy arrays that take over the core's vectors without copying them.
#include "pybind11.hpp"

#include "kokeilu/bundle_rows.hpp"

#include "messages.hpp"

#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu::python {

namespace {

template <class T>
using InArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

class PyTracker {
public:
    PyTracker(Tracker tracker, std::string path) : tracker_(std::move(tracker)), path_(std::move(path)) {}

    // Runs f(tracker) with the GIL released and the lock held. f must not touch Python objects.
    template <class F>
    decltype(auto) with(F&& f) {
        py::gil_scoped_release release;
        std::lock_guard lock(mutex_);
        if (!tracker_) throw InvalidStateError(Message{"lifecycle.tracker_closed", {}});
        return std::forward<F>(f)(*tracker_);
    }

    void close() {
        py::gil_scoped_release release;
        std::lock_guard lock(mutex_);
        tracker_.reset();
    }

    [[nodiscard]] bool closed() {
        py::gil_scoped_release release;
        std::lock_guard lock(mutex_);
        return !tracker_.has_value();
    }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::mutex mutex_;
    std::optional<Tracker> tracker_;
    std::string path_;
};

// The caller's names of the columns, from a dict such as {"value": "score", "at": "when"}; the
// flags "at_given_once" and "one_row" say that the caller gave one time for every row, or one row.
ColumnNames column_names(const py::dict& given) {
    ColumnNames names;
    const std::pair<const char*, std::string*> fields[] = {
        {"at", &names.at},   {"value", &names.value}, {"arm", &names.arm},       {"exposure", &names.exposure},
        {"n", &names.n},     {"sum", &names.sum},     {"sum_sq", &names.sum_sq},  {"note", &names.note},
        {"covariate", &names.covariate}};
    for (const auto& [key, value] : given) {
        const std::string name = key.cast<std::string>();
        if (name == "at_given_once") {
            names.at_given_once = value.cast<bool>();
            continue;
        }
        if (name == "one_row") {
            names.one_row = value.cast<bool>();
            continue;
        }
        bool known = false;
        for (const auto& [field, target] : fields)
            if (name == field) {
                *target = value.cast<std::string>();
                known = true;
            }
        if (!known) throw InvalidArgumentError("names", Message{"input.unknown_column", {{"name", name}}});
    }
    return names;
}

LogOptions log_options(bool backfill, bool allow_future, std::string idempotency_key) {
    LogOptions options;
    options.backfill = backfill;
    options.allow_future = allow_future;
    options.idempotency_key = std::move(idempotency_key);
    return options;
}

std::optional<std::span<const std::int32_t>> optional_codes(const std::optional<InArray<std::int32_t>>& codes) {
    if (!codes) return std::nullopt;
    if (codes->ndim() != 1)
        throw InvalidArgumentError("arm", Message{"input.not_one_dimensional", {{"dimensions", static_cast<std::int64_t>(codes->ndim())}}});
    return std::span<const std::int32_t>(codes->data(), static_cast<std::size_t>(codes->shape(0)));
}

py::list to_python(const InputProblems& problems) {
    py::list out;
    for (const InputProblem& p : problems.listed)
        out.append(py::make_tuple(p.column, p.row ? py::object(py::int_(*p.row)) : py::object(py::none()),
                                  p.problem.english(), p.problem.code, message_params(p.problem)));
    return out;
}

template <class T>
std::span<const T> optional_span(const std::optional<InArray<T>>& array) {
    if (!array) return {};
    return {array->data(), static_cast<std::size_t>(array->shape(0))};
}

template <class T>
std::span<const T> whole_span(const InArray<T>& array, const std::string& field) {
    if (array.ndim() != 1)
        throw InvalidArgumentError(field, Message{"input.not_one_dimensional", {{"dimensions", static_cast<std::int64_t>(array.ndim())}}});
    return {array.data(), static_cast<std::size_t>(array.shape(0))};
}

// A numpy array that owns the vector's buffer: no copy, freed when numpy lets go of it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
    auto* owned = new std::vector<T>(std::move(values));
    py::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
    return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), owner);
}

// Only the texts there are become Python objects; the rows they belong to are a numpy array.
py::list to_str_list(const std::vector<std::string>& texts) {
    py::list out(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) out[i] = py::str(texts[i]);
    return out;
}

py::dict to_python(ObservationTable&& table) {
    py::dict out;
    out["arm_names"] = py::cast(table.arm_names);
    out["subject_rows"] = to_numpy(std::move(table.subject.rows));
    out["subject_texts"] = to_str_list(table.subject.texts);
    out["note_rows"] = to_numpy(std::move(table.note.rows));
    out["note_texts"] = to_str_list(table.note.texts);
    out["id"] = to_numpy(std::move(table.id));
    out["at_us"] = to_numpy(std::move(table.at_us));
    out["arm_index"] = to_numpy(std::move(table.arm_index));
    out["value"] = to_numpy(std::move(table.value));
    out["n"] = to_numpy(std::move(table.n));
    out["sum"] = to_numpy(std::move(table.sum));
    out["sum_sq"] = to_numpy(std::move(table.sum_sq));
    out["exposure"] = to_numpy(std::move(table.exposure));
    // Only for a metric with pre-period values (see Tracker::observations).
    if (!table.covariate.empty()) out["covariate"] = to_numpy(std::move(table.covariate));
    if (!table.voided.empty() || table.id.empty()) out["voided"] = to_numpy(std::move(table.voided));
    return out;
}

ExperimentFilter make_filter(std::optional<Named<Status>> status, std::string organisation, std::string unit,
                             std::string tag, std::optional<Named<Purpose>> purpose, std::optional<Date> since,
                             std::optional<Date> until, std::string text) {
    ExperimentFilter filter;
    if (status) filter.status = status->value;
    filter.organisation = std::move(organisation);
    filter.unit = std::move(unit);
    filter.tag = std::move(tag);
    if (purpose) filter.purpose = purpose->value;
    filter.from = since;
    filter.to = until;
    filter.text = std::move(text);
    return filter;
}

// The Python callable behind SqliteOptions::on_wait. SQLite calls it from the waiting thread, which
// holds the tracker's lock but not the GIL: it takes the GIL for the call. No thread waits for the
// tracker's lock while holding the GIL (see PyTracker::with), so this cannot deadlock. The callable
// is released with the GIL held, wherever the last copy of the notice goes.
std::function<void()> wait_notice(py::function callable) {
    std::shared_ptr<py::function> held(new py::function(std::move(callable)), [](py::function* f) {
        if (!Py_IsInitialized()) return;  // the interpreter is gone: nothing to release into
        py::gil_scoped_acquire gil;
        delete f;
    });
    return [held] {
        py::gil_scoped_acquire gil;
        try {
            (*held)();
        } catch (py::error_already_set& error) {
            // A notice that fails is no reason to stop waiting; Python reports it as unraisable.
            error.discard_as_unraisable("kokeilu: the on_wait notice");
        }
    };
}

}  // namespace

void register_replication_set(py::module_& m) {
    py::class_<RelatedExperiment>(m, "RelatedExperiment",
                                  "An experiment linked to a replication set as an adaptation or a follow-up.")
        .def_readonly("experiment", &RelatedExperiment::experiment)
        .def_property_readonly("kind", [](const RelatedExperiment& r) { return r.kind; }, "adaptation or follow_up.");
    py::class_<ReplicationSet>(m, "ReplicationSet",
                               "An experiment and those linked to it as replications, both ways and transitively.")
        .def_readonly("replications", &ReplicationSet::replications,
                      "The experiment asked about first, then the others by key.")
        .def_readonly("related", &ReplicationSet::related, "Adaptations and follow-ups of or by them, by key.")
        .def_readonly("elsewhere", &ReplicationSet::elsewhere, "Links from the set to experiments not held here.");
}

void register_tracker(py::module_& m) {
    m.attr("default_tracker_path") = py::str(default_tracker_path);
    register_replication_set(m);

    py::class_<PyTracker> cls(m, "Tracker", "The core tracker over one SQLite file or ':memory:'.");
    cls.def_static(
           "open",
           [](const std::string& path, bool read_only, int busy_timeout_ms, std::optional<py::function> on_wait,
              int wait_notice_after_ms) {
               SqliteOptions options;
               options.read_only = read_only;
               options.busy_timeout_ms = busy_timeout_ms;
               options.wait_notice_after_ms = wait_notice_after_ms;
               if (on_wait) options.on_wait = wait_notice(std::move(*on_wait));
               std::optional<Tracker> tracker;
               {
                   py::gil_scoped_release release;
                   tracker.emplace(Tracker::open(path, options));
               }
               return std::make_unique<PyTracker>(std::move(*tracker), path);
           },
           py::arg("path"), py::kw_only(), py::arg("read_only") = false, py::arg("busy_timeout_ms") = 300000,
           py::arg("on_wait") = py::none(), py::arg("wait_notice_after_ms") = 1500,
           "Opens (creating and migrating when needed) a tracker file, or ':memory:'. on_wait() is called "
           "once a write has waited wait_notice_after_ms for another one to finish.")
        .def("close", &PyTracker::close, "Closes the file; later calls raise InvalidStateError.")
        .def_property_readonly("closed", &PyTracker::closed, "True after close().")
        .def_property_readonly("path", &PyTracker::path, "The path the tracker was opened with.")
        .def_property_readonly(
            "time_zone",
            [](PyTracker& self) { return self.with([&](Tracker& t) { return t.time_zone().name(); }); },
            "The IANA name of the tracker's time zone, in which its calendar days are read.")
        .def(
            "set_time_zone",
            [](PyTracker& self, const std::string& name) {
                self.with([&](Tracker& t) { t.set_time_zone(name); });
            },
            py::arg("name"), "Sets the time zone; refused once an experiment has started.")
        .def(
            "start_of_day",
            [](PyTracker& self, const Date& day) {
                return self.with([&](Tracker& t) {
                    return from_unix_micros(std::max(earliest_unix_micros, t.time_zone().start_of_day(day)), "day");
                });
            },
            py::arg("day"), "The first instant (UTC) of the calendar day in the tracker's zone.")
        .def(
            "parse_local_time",
            [](PyTracker& self, const std::string& text, const std::string& field) {
                return self.with([&](Tracker& t) { return parse_local_time(text, field, t.time_zone()); });
            },
            py::arg("text"), py::arg("field"),
            "ISO 8601 text as UTC; without 'Z' or an offset it is wall-clock time in the tracker's zone.")
        .def(
            "create",
            [](PyTracker& self, Experiment draft) {
                return self.with([&](Tracker& t) { return t.create(std::move(draft)); });
            },
            py::arg("draft"), "Validates and stores a new draft; returns it as stored.")
        .def(
            "get",
            [](PyTracker& self, const std::string& key) { return self.with([&](Tracker& t) { return t.get(key); }); },
            py::arg("key_or_uuid"), "The experiment of that key or UUID (NotFoundError when none).")
        .def(
            "list",
            [](PyTracker& self, std::optional<Named<Status>> status, std::string organisation, std::string unit,
               std::string tag, std::optional<Named<Purpose>> purpose, std::optional<Date> since,
               std::optional<Date> until, std::string text) {
                const ExperimentFilter filter =
                    make_filter(status, std::move(organisation), std::move(unit), std::move(tag), purpose, since,
                                until, std::move(text));
                return self.with([&](Tracker& t) { return t.experiments(filter); });
            },
            py::kw_only(), py::arg("status") = py::none(), py::arg("organisation") = "", py::arg("unit") = "",
            py::arg("tag") = "", py::arg("purpose") = py::none(), py::arg("since") = py::none(),
            py::arg("until") = py::none(), py::arg("text") = "",
            "Experiments that pass every filter given, ordered by key.")
        .def(
            "search",
            [](PyTracker& self, std::string text, std::optional<Named<Purpose>> purpose, std::string unit,
               std::string metric, std::string organisation, std::optional<Named<Verdict>> verdict,
               std::optional<Named<Decision>> decision, std::optional<Named<Status>> status,
               std::optional<bool> imported) {
                ExperimentSearch search;
                search.text = std::move(text);
                if (purpose) search.purpose = purpose->value;
                search.unit = std::move(unit);
                search.metric = std::move(metric);
                search.organisation = std::move(organisation);
                if (verdict) search.verdict = verdict->value;
                if (decision) search.decision = decision->value;
                if (status) search.status = status->value;
                if (imported) search.provenance = *imported ? Provenance::imported : Provenance::own;
                return self.with([&](Tracker& t) { return t.search(search); });
            },
            py::arg("text") = "", py::kw_only(), py::arg("purpose") = py::none(), py::arg("unit") = "",
            py::arg("metric") = "", py::arg("organisation") = "", py::arg("verdict") = py::none(),
            py::arg("decision") = py::none(), py::arg("status") = py::none(), py::arg("imported") = py::none(),
            "The learning library: experiments, own and imported (imported=True: only those; False: only the "
            "tracker's own), that meet every criterion given; the best match first when there is text, else by key.")
        .def(
            "update",
            [](PyTracker& self, const Experiment& revised, const std::string& reason, const std::string& author) {
                return self.with([&](Tracker& t) { return t.update(revised, reason, author); });
            },
            py::arg("revised"), py::arg("reason") = "", py::arg("author") = "",
            "Saves a revised experiment; after the start, changes to locked parts need a reason.")
        .def(
            "link",
            [](PyTracker& self, const std::string& key, Named<LinkKind> kind, const std::string& of) {
                return self.with([&](Tracker& t) { return t.link(key, kind, of); });
            },
            py::arg("key"), py::arg("kind"), py::arg("of"),
            "Links the experiment to another (key or UUID) as a replication, adaptation or follow-up of it.")
        .def(
            "follow_up_slots",
            [](PyTracker& self, const std::string& key, std::optional<Date> on) {
                return self.with([&](Tracker& t) { return t.follow_up_slots(key, on); });
            },
            py::arg("key"), py::arg("on") = py::none(), "The follow-up slots of a concluded experiment as of `on`.")
        .def(
            "due",
            [](PyTracker& self, std::optional<Date> on, int within_days) {
                return self.with([&](Tracker& t) { return t.due(on, within_days); });
            },
            py::arg("on") = py::none(), py::arg("within_days") = 0,
            "Follow-up slots due on or before `on` + within_days that no concluded follow-up fills.")
        .def(
            "follow_up_draft",
            [](PyTracker& self, const std::string& key, int months) {
                return self.with([&](Tracker& t) { return t.follow_up_draft(key, months); });
            },
            py::arg("key"), py::arg("months"), "A draft (not stored) of the follow-up at that many months.")
        .def(
            "local_date",
            [](PyTracker& self, const Time& at) {
                return self.with([&](Tracker& t) { return t.time_zone().date_of(to_unix_micros(at)); });
            },
            py::arg("at"), "The calendar day of the instant in the tracker's time zone.")
        .def(
            "unlink",
            [](PyTracker& self, const std::string& key, const std::string& of) {
                return self.with([&](Tracker& t) { return t.unlink(key, of); });
            },
            py::arg("key"), py::arg("of"), "Removes the link to another experiment (key or UUID).")
        .def(
            "replications",
            [](PyTracker& self, const std::string& key) {
                return self.with([&](Tracker& t) { return t.replications(key); });
            },
            py::arg("key"), "The experiment's replication set: itself and its replications, both ways and transitively.")
        .def(
            "start",
            [](PyTracker& self, const std::string& key, std::optional<Date> on) {
                return self.with([&](Tracker& t) { return t.start(key, on); });
            },
            py::arg("key"), py::arg("on") = py::none(), "draft -> running; locks the Test Card and criteria.")
        .def(
            "stop",
            [](PyTracker& self, const std::string& key, const std::string& reason, std::optional<Date> on,
               const std::string& author) {
                return self.with([&](Tracker& t) { return t.stop(key, reason, on, author); });
            },
            py::arg("key"), py::arg("reason"), py::arg("on") = py::none(), py::arg("author") = "",
            "draft or running -> stopped, with a reason.")
        .def(
            "conclude",
            [](PyTracker& self, const std::string& key, const Outcome& outcome) {
                return self.with([&](Tracker& t) { return t.conclude(key, outcome); });
            },
            py::arg("key"), py::arg("outcome"), "running -> concluded with the verdict, Learning Card and decision.")
        .def(
            "add_note",
            [](PyTracker& self, const std::string& key, const std::string& text, const std::string& author,
               std::optional<Time> at) {
                return self.with([&](Tracker& t) { return t.note(key, text, author, at); });
            },
            py::arg("key"), py::arg("text"), py::arg("author") = "", py::arg("at") = py::none(),
            "Appends a journal note.")
        .def(
            "journal",
            [](PyTracker& self, const std::string& key) {
                return self.with([&](Tracker& t) { return t.journal(key); });
            },
            py::arg("key"), "The journal notes, oldest first.")
        .def(
            "log",
            [](PyTracker& self, const std::string& key, Observation observation, bool backfill, bool allow_future,
               std::string idempotency_key) {
                if (observation.at.is_special()) observation.at = now_utc();
                return self.with(
                    [&](Tracker& t) { return t.log(key, observation, log_options(backfill, allow_future, std::move(idempotency_key))); });
            },
            py::arg("key"), py::arg("observation"), py::kw_only(), py::arg("backfill") = false,
            py::arg("allow_future") = false, py::arg("idempotency_key") = "", "Records one observation (at None means now).")
        .def(
            "log_value",
            // Tracker.log's path: the fields as plain arguments, without an Observation object in
            // between, whose keyword construction costs about as much as the rest of the call.
            [](PyTracker& self, const std::string& key, double value, std::string arm, std::string metric,
               const py::object& at, const std::optional<std::string>& at_unit, std::optional<double> exposure,
               std::string subject, std::string note, bool backfill, bool allow_future,
               std::string idempotency_key, std::optional<double> covariate) {
                Observation observation;
                observation.value = value;
                observation.arm = std::move(arm);
                observation.metric = std::move(metric);
                // No time given (the common case): now, without the conversions of time_argument.
                observation.at = at.is_none() ? now_utc() : time_argument(at, "at", at_unit);
                if (observation.at.is_special()) observation.at = now_utc();
                observation.exposure = exposure;
                observation.subject = std::move(subject);
                observation.note = std::move(note);
                observation.covariate = covariate;
                return self.with(
                    [&](Tracker& t) { return t.log(key, observation, log_options(backfill, allow_future, std::move(idempotency_key))); });
            },
            py::arg("key"), py::arg("value"), py::arg("arm"), py::arg("metric"), py::arg("at").none(true),
            py::arg("at_unit").none(true), py::arg("exposure").none(true), py::arg("subject"), py::arg("note"),
            py::arg("backfill"), py::arg("allow_future"), py::arg("idempotency_key"), py::arg("covariate") = py::none(),
            "Records one unit's value (at None means now); every argument is required.")
        .def(
            "log_many",
            [](PyTracker& self, const std::string& key, std::vector<Observation> observations, bool backfill,
               bool allow_future, std::string idempotency_key) {
                const Time now = now_utc();
                for (auto& o : observations)
                    if (o.at.is_special()) o.at = now;
                return self.with(
                    [&](Tracker& t) { return t.log_many(key, observations, log_options(backfill, allow_future, std::move(idempotency_key))); });
            },
            py::arg("key"), py::arg("observations"), py::kw_only(), py::arg("backfill") = false,
            py::arg("allow_future") = false, py::arg("idempotency_key") = "", "Records many observations in one transaction; returns the number written.")
        .def(
            "log_columns",
            [](PyTracker& self, const std::string& key, const std::string& metric, const InArray<std::int64_t>& at_us,
               const InArray<double>& values, const std::optional<InArray<std::int32_t>>& arm_codes,
               std::vector<std::string> arm_names, const std::optional<InArray<double>>& exposure, bool backfill,
               bool allow_future, std::string idempotency_key, const py::dict& names, bool check_only, std::size_t limit,
               const std::optional<InArray<double>>& covariate) -> py::object {
                ObservationColumns columns;
                columns.names = column_names(names);
                columns.at_us = whole_span(at_us, columns.names.at);
                columns.values = whole_span(values, columns.names.value);
                columns.arm_codes = optional_codes(arm_codes).value_or(std::span<const std::int32_t>{});
                columns.arm_names = std::move(arm_names);
                columns.exposure = optional_span(exposure);
                columns.covariate = optional_span(covariate);
                const LogOptions options = log_options(backfill, allow_future, std::move(idempotency_key));
                // The core checks every row (codes and lengths included) before it writes anything.
                if (check_only) {
                    const InputProblems problems =
                        self.with([&](Tracker& t) { return t.check_columns(key, metric, columns, options, limit); });
                    return py::make_tuple(to_python(problems), problems.total);
                }
                return py::cast(self.with([&](Tracker& t) { return t.log_columns(key, metric, columns, options); }));
            },
            py::arg("key"), py::arg("metric"), py::arg("at_us"), py::arg("values"), py::arg("arm_codes").none(true),
            py::arg("arm_names"), py::kw_only(), py::arg("exposure") = py::none(), py::arg("backfill") = false,
            py::arg("allow_future") = false, py::arg("idempotency_key") = "", py::arg("names") = py::dict(), py::arg("check_only") = false,
            py::arg("limit") = 10, py::arg("covariate") = py::none(),
            "Records unit-level observations of one metric from columns, in one transaction. arm_codes None: "
            "the one arm name for every row. names: the caller's names of the columns, used in errors. With "
            "check_only, writes nothing and returns ([(column, row, problem), ...] of the first `limit`, total).")
        .def(
            "log_aggregates",
            [](PyTracker& self, const std::string& key, const std::string& metric, const InArray<std::int64_t>& at_us,
               const std::optional<InArray<std::int32_t>>& arm_codes, std::vector<std::string> arm_names,
               const InArray<std::int64_t>& n, const InArray<double>& sum, const std::optional<InArray<double>>& sum_sq,
               const std::optional<InArray<double>>& exposure, std::vector<std::string> notes, bool backfill,
               bool allow_future, std::string idempotency_key, const py::dict& names, bool check_only, std::size_t limit) -> py::object {
                AggregateColumns columns;
                columns.notes = std::move(notes);
                columns.names = column_names(names);
                columns.at_us = whole_span(at_us, columns.names.at);
                columns.arm_codes = optional_codes(arm_codes).value_or(std::span<const std::int32_t>{});
                columns.arm_names = std::move(arm_names);
                columns.n = whole_span(n, columns.names.n);
                columns.sum = whole_span(sum, columns.names.sum);
                columns.sum_sq = optional_span(sum_sq);
                columns.exposure = optional_span(exposure);
                const LogOptions options = log_options(backfill, allow_future, std::move(idempotency_key));
                if (check_only) {
                    const InputProblems problems = self.with(
                        [&](Tracker& t) { return t.check_aggregate_columns(key, metric, columns, options, limit); });
                    return py::make_tuple(to_python(problems), problems.total);
                }
                return py::cast(
                    self.with([&](Tracker& t) { return t.log_aggregate_columns(key, metric, columns, options); }));
            },
            py::arg("key"), py::arg("metric"), py::arg("at_us"), py::arg("arm_codes").none(true), py::arg("arm_names"),
            py::arg("n"), py::arg("sum"), py::arg("sum_sq") = py::none(), py::kw_only(),
            py::arg("exposure") = py::none(), py::arg("notes") = std::vector<std::string>{},
            py::arg("backfill") = false, py::arg("allow_future") = false, py::arg("idempotency_key") = "", py::arg("names") = py::dict(),
            py::arg("check_only") = false, py::arg("limit") = 10,
            "Records pre-aggregated rows from columns, in one transaction (NaN in sum_sq or exposure: not given); "
            "check_only as for log_columns.")
        .def(
            "observations",
            [](PyTracker& self, const std::string& key, std::string metric, std::vector<std::string> arms,
               std::optional<Time> since, std::optional<Time> until, bool include_voided) {
                ObservationQuery query;
                query.metric = std::move(metric);
                query.arms = std::move(arms);
                query.from = since;
                query.to = until;
                query.include_voided = include_voided;
                ObservationTable table = self.with([&](Tracker& t) { return t.observations(key, query); });
                return to_python(std::move(table));
            },
            py::arg("key"), py::kw_only(), py::arg("metric") = "", py::arg("arms") = std::vector<std::string>{},
            py::arg("since") = py::none(), py::arg("until") = py::none(), py::arg("include_voided") = false,
            "Observations of one metric as columns (numpy arrays), in time order.")
        .def(
            "count_observations",
            [](PyTracker& self, const std::string& key) {
                return self.with([&](Tracker& t) { return t.count_observations(key); });
            },
            py::arg("key"), "Number of observations of the experiment (all metrics).")
        .def(
            "summaries",
            [](PyTracker& self, const std::string& key, std::optional<Time> until) {
                // Streams the rows straight from the store: memory stays O(metrics x arms).
                return self.with([&](Tracker& t) { return stats::summarise_experiment(t, t.get(key), until); });
            },
            py::arg("key"), py::arg("until") = py::none(),
            "Summaries of every metric in every arm ({metric: {arm: Summary}}), streamed from the store.")
        .def(
            "import_experiments",
            [](PyTracker& self, const std::vector<IncomingExperiment*>& incoming, BundleRowSource* rows) {
                // Moved, not copied (the objects given are left empty).
                std::vector<IncomingExperiment> taken;
                taken.reserve(incoming.size());
                for (IncomingExperiment* in : incoming) taken.push_back(std::move(*in));
                return self.with([&](Tracker& t) { return t.import_experiments(taken, rows); });
            },
            py::arg("incoming"), py::arg("rows") = nullptr,
            "Merges experiments another tracker exported, each by its UUID, in one transaction; the rows "
            "of `rows` are read as they are written. The objects given are moved into the import and "
            "left empty.")
        .def(
            "write_bundle_unit_rows",
            [](PyTracker& self, const std::string& path, const std::vector<std::string>& keys, const py::bytes& secret,
               const py::bytes& subject_prefix, bool notes) {
                const std::string key_bytes = secret;
                const std::string prefix = subject_prefix;
                const BundlePartWritten written = self.with([&](Tracker& t) {
                    return write_bundle_unit_rows(t, path, keys, key_bytes, prefix, notes);
                });
                return py::make_tuple(written.rows, written.sha256);
            },
            py::arg("path"), py::arg("keys"), py::arg("secret"), py::arg("subject_prefix"), py::arg("notes"),
            "Writes the units-level observations part of the bundle at path (kokeilu/bundle_rows.hpp); "
            "returns its rows and SHA-256.")
        .def(
            "void_observations",
            [](PyTracker& self, const std::string& key, std::vector<std::int64_t> ids, std::int64_t batch,
               std::string reason, std::string author) {
                VoidRequest request{std::move(ids), batch, std::move(reason), std::move(author)};
                return self.with([&](Tracker& t) { return t.void_observations(key, request); });
            },
            py::arg("key"), py::kw_only(), py::arg("ids") = std::vector<std::int64_t>{}, py::arg("batch") = 0,
            py::arg("reason") = "", py::arg("author") = "",
            "Voids observations by id, or every row of one batch, with a reason and an author.")
        .def(
            "voids",
            [](PyTracker& self, const std::string& key) { return self.with([&](Tracker& t) { return t.voids(key); }); },
            py::arg("key"), "The voids of an experiment, oldest first.")
        .def(
            "delete_draft",
            [](PyTracker& self, const std::string& key) { self.with([&](Tracker& t) { t.delete_draft(key); }); },
            py::arg("key"), "Deletes a draft (never a started experiment).")
        .def(
            "history",
            [](PyTracker& self, std::optional<std::string> key) {
                return self.with([&](Tracker& t) {
                    return key ? t.history(std::string_view(*key)) : t.history();
                });
            },
            py::arg("key") = py::none(), "The history's entries (of one experiment, or all), oldest first.")
        .def(
            "history_log", [](PyTracker& self) { return self.with([&](Tracker& t) { return t.history_log(); }); },
            "The log's name and how it began.")
        .def(
            "checkpoint", [](PyTracker& self) { return self.with([&](Tracker& t) { return t.checkpoint(); }); },
            "The current checkpoint: the log's size and Merkle root.")
        .def(
            "verify",
            [](PyTracker& self, std::optional<std::string> since) {
                VerifyOptions options;
                if (since) options.since = Checkpoint::parse(*since);
                return self.with([&](Tracker& t) { return t.verify(options); });
            },
            py::arg("since") = py::none(), "Recomputes the history and checks everything stored against it.")
        .def(
            "quick_check",
            [](PyTracker& self, const std::string& key) {
                return self.with([&](Tracker& t) { return t.quick_check(key); });
            },
            py::arg("key"), "The cheap check of one experiment that show and analyze make.")
        .def(
            "early_rows",
            [](PyTracker& self, const std::string& key, std::optional<Time> until) {
                return self.with([&](Tracker& t) { return stats::early_rows(t, t.get(key), until); });
            },
            py::arg("key"), py::arg("until") = py::none(),
            "Rows logged for times between the start and the lock of an experiment started before its Test Card "
            "was locked ({arm: rows}); empty otherwise.")
        .def(
            "design_series",
            [](PyTracker& self, const std::string& key, std::optional<Time> until, const std::string& period) {
                const stats::SeriesPeriod by = stats::parse_series_period(period, "period");
                return self.with([&](Tracker& t) { return stats::design_series(t, t.get(key), by, until); });
            },
            py::arg("key"), py::arg("until") = py::none(), py::arg("period") = "day",
            "The series by period ('day' or 'week', in the tracker's zone) of every metric and arm of a difference "
            "in differences or an interrupted time series (empty for other designs and before the start).")
        .def(
            "covariate_rows",
            [](PyTracker& self, const std::string& key, std::optional<Time> until) {
                return self.with([&](Tracker& t) { return stats::covariate_rows(t, t.get(key), until); });
            },
            py::arg("key"), py::arg("until") = py::none(),
            "The rows of the metrics adjusted for a pre-period value, for analyse (empty when none is).");
}

}  // namespace kokeilu::python
