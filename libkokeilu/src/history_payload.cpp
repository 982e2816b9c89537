#include "history_payload.hpp"

#include "preregistration.hpp"
#include "sha256.hpp"
#include "validation.hpp"

#include <charconv>

namespace kokeilu::detail {

namespace {

class Record {
public:
    explicit Record(std::string_view title) {
        text_ += title;
        text_ += '\n';
    }
    void field(std::string_view name, std::string_view value) {
        text_ += name;
        text_ += '\t';
        text_ += std::to_string(value.size());
        text_ += ':';
        text_ += value;
        text_ += '\n';
    }
    void field(std::string_view name, std::int64_t value) { field(name, std::to_string(value)); }
    void number(std::string_view name, const std::optional<double>& value) {
        field(name, value ? format_number(*value) : std::string(absent_text));
    }
    void date(std::string_view name, const std::optional<Date>& value) {
        field(name, value && !value->is_special() ? format_date(*value) : std::string(absent_text));
    }
    // Instants as UTC microseconds: exact, whatever the time zone of the reader.
    void time(std::string_view name, const std::optional<Time>& value) {
        field(name, value && !value->is_special() ? std::to_string(to_unix_micros(*value)) : std::string(absent_text));
    }
    void fields(const std::string& prefix, const FieldList& list) {
        for (const auto& [name, value] : list) field(prefix + name, value);
    }
    [[nodiscard]] std::string take() { return std::move(text_); }

private:
    std::string text_;
};

}  // namespace

std::string experiment_record(const Experiment& e) {
    Record r("kokeilu experiment 1");
    r.field("uuid", e.uuid);
    r.field("key", e.key);
    r.field("title", e.title);
    r.field("summary", e.summary);
    r.field("organisation", e.organisation);
    r.field("unit", e.unit);
    r.field("owner", e.owner);
    for (std::size_t i = 0; i < e.tags.size(); ++i) r.field("tags[" + std::to_string(i) + "]", e.tags[i]);
    for (std::size_t i = 0; i < e.purposes.size(); ++i)
        r.field("purposes[" + std::to_string(i) + "]", to_string(e.purposes[i]));
    r.date("planned_start", e.planned_start);
    r.date("planned_end", e.planned_end);
    r.date("actual_start", e.actual_start);
    r.date("actual_end", e.actual_end);
    r.number("planned_cost_eur", e.planned_cost_eur);
    r.number("actual_cost_eur", e.actual_cost_eur);
    r.number("planned_effort_hours", e.planned_effort_hours);
    r.number("actual_effort_hours", e.actual_effort_hours);
    r.field("risk", e.risk);
    r.fields("test_card.", fields_of(e.test_card));
    r.field("design", to_string(e.design));
    // Arms and metrics in their stored order, named as amendments name them.
    // A planned share and a label only when set: the records of every experiment made before them
    // stay as they were.
    const auto recorded = [](FieldList fields) {
        std::erase_if(fields, [](const auto& field) { return recorded_only_when_set(field.first, field.second); });
        return fields;
    };
    for (const Arm& arm : e.arms) r.fields("arms[" + arm.name + "].", recorded(fields_of(arm)));
    for (const Metric& metric : e.metrics) r.fields("metrics[" + metric.name + "].", recorded(fields_of(metric)));
    // Links only when there are some, so the records of experiments without them stay as they were.
    for (std::size_t i = 0; i < e.links.size(); ++i) {
        const std::string prefix = "links[" + std::to_string(i) + "].";
        r.field(prefix + "kind", to_string(e.links[i].kind));
        r.field(prefix + "of", e.links[i].of);
    }
    r.field("status", to_string(e.status));
    r.field("stop_reason", e.stop_reason);
    if (e.outcome) {
        const Outcome& o = *e.outcome;
        r.field("outcome.verdict", to_string(o.verdict));
        r.field("outcome.decision", to_string(o.decision));
        r.date("outcome.decided_on", o.decided_on.is_special() ? std::nullopt : std::optional<Date>(o.decided_on));
        r.field("outcome.we_believed", o.learning.we_believed);
        r.field("outcome.we_observed", o.learning.we_observed);
        r.field("outcome.we_learned", o.learning.we_learned);
        r.field("outcome.therefore", o.learning.therefore);
        r.field("outcome.amended_verdict", o.amended_verdict ? std::string(to_string(*o.amended_verdict)) : std::string(absent_text));
        r.field("outcome.judged_against", to_string(o.judged_against));
        // Only when some are scheduled, so the records of experiments concluded before stay as they were.
        if (o.follow_up_months && !o.follow_up_months->empty()) {
            std::string months;
            for (const int m : *o.follow_up_months) {
                if (!months.empty()) months += ',';
                months += std::to_string(m);
            }
            r.field("outcome.follow_up_months", months);
        }
    }
    r.field("lock_hash", e.lock_hash);
    r.time("locked_at", e.locked_at);
    // The criterion as locked at start, against which the verdict is judged whatever was amended since.
    r.field("locked_criterion", e.locked ? locked_criterion_text(*e.locked) : std::string(absent_text));
    for (std::size_t i = 0; i < e.amendments.size(); ++i) {
        const Amendment& a = e.amendments[i];
        const std::string prefix = "amendments[" + std::to_string(i) + "].";
        r.time(prefix + "at", a.at);
        r.field(prefix + "field", a.field);
        r.field(prefix + "old_value", a.old_value);
        r.field(prefix + "new_value", a.new_value);
        r.field(prefix + "reason", a.reason);
        r.field(prefix + "author", a.author);
    }
    r.time("created_at", e.created_at);
    r.time("updated_at", e.updated_at);
    r.field("revision", e.revision);
    return r.take();
}

std::string note_record(const JournalEntry& note) {
    Record r("kokeilu note 1");
    r.field("journal_id", note.id);
    r.time("at", note.at);
    r.field("author", note.author);
    r.field("text", note.text);
    return r.take();
}

std::string batch_record(const Batch& b) {
    Record r("kokeilu batch 1");
    r.field("first_observation_id", b.first_observation_id);
    r.field("last_observation_id", b.last_observation_id);
    r.field("rows", b.rows);
    r.field("content_sha256", to_hex(b.content_sha256));
    r.field("idempotency_key", b.idempotency_key);
    r.field("migrated", b.migrated ? 1 : 0);
    return r.take();
}

std::string void_record(const VoidRecord& v) {
    Record r("kokeilu void 1");
    r.field("void_id", v.id);
    r.field("batch", v.batch);
    r.field("rows", static_cast<std::int64_t>(v.observation_ids.size()));
    // The ids of a void by ids; a whole batch is named by the batch alone.
    std::string ids;
    if (v.batch == 0)
        for (const std::int64_t id : v.observation_ids) {
            if (!ids.empty()) ids += ',';
            ids += std::to_string(id);
        }
    r.field("observation_ids", ids);
    r.field("reason", v.reason);
    r.field("author", v.author);
    return r.take();
}

std::string begin_record(const HistoryLog& log) {
    Record r("kokeilu history 1");
    r.field("log_id", log.log_id);
    r.field("from_schema", log.from_schema);
    return r.take();
}

std::optional<std::string> ParsedRecord::get(std::string_view name) const {
    for (const auto& [field, value] : fields)
        if (field == name) return value;
    return std::nullopt;
}

std::optional<ParsedRecord> parse_record(std::string_view payload) {
    ParsedRecord out;
    const auto title_end = payload.find('\n');
    if (title_end == std::string_view::npos) return std::nullopt;
    out.title = std::string(payload.substr(0, title_end));
    payload.remove_prefix(title_end + 1);
    while (!payload.empty()) {
        const auto space = payload.find('\t');
        const auto colon = payload.find(':', space);
        if (space == std::string_view::npos || colon == std::string_view::npos) return std::nullopt;
        std::size_t length = 0;
        const auto digits = payload.substr(space + 1, colon - space - 1);
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
        if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
        if (payload.size() < colon + 1 + length + 1 || payload[colon + 1 + length] != '\n') return std::nullopt;
        out.fields.emplace_back(std::string(payload.substr(0, space)), std::string(payload.substr(colon + 1, length)));
        payload.remove_prefix(colon + 1 + length + 1);
    }
    return out;
}

}  // namespace kokeilu::detail

namespace kokeilu {

std::string experiment_record(const Experiment& experiment) { return detail::experiment_record(experiment); }

}  // namespace kokeilu
