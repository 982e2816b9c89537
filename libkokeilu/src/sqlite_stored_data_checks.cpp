#include "sqlite_stored_data_checks.hpp"

#include "kokeilu/error.hpp"
#include "validation.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu::detail {

namespace {

// How many observation ids an error lists before it says "and N more".
constexpr std::size_t listed_ids = 5;

// The rows that break a rule: how many, the first ids, and what is wrong with the first.
struct Offenders {
    std::int64_t count = 0;
    std::vector<std::int64_t> ids;
    std::string first_problem;

    void add(std::int64_t id, const std::string& problem) {
        if (count == 0) first_problem = problem;
        ++count;
        if (ids.size() < listed_ids) ids.push_back(id);
    }

    [[nodiscard]] std::string ids_text() const {
        std::string out;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (i > 0) out += ", ";
            out += std::to_string(ids[i]);
        }
        const std::int64_t more = count - static_cast<std::int64_t>(ids.size());
        if (more > 0) out += " and " + std::to_string(more) + " more";
        return out;
    }
};

struct StoredItem {
    std::int64_t id = 0;
    std::string name;
    MetricKind kind = MetricKind::mean;  // metrics only
};

std::vector<StoredItem> stored_items(SQLite::Database& db, const char* sql, std::int64_t experiment_id, bool metrics) {
    std::vector<StoredItem> out;
    SQLite::Statement q(db, sql);
    q.bind(1, experiment_id);
    while (q.executeStep()) {
        StoredItem item;
        item.id = q.getColumn(0).getInt64();
        item.name = q.getColumn(1).getString();
        if (metrics) item.kind = parse_metric_kind(q.getColumn(2).getString());
        out.push_back(std::move(item));
    }
    return out;
}

Offenders rows_of(SQLite::Database& db, const char* column, std::int64_t id) {
    Offenders found;
    SQLite::Statement q(db, std::string("SELECT id FROM observations WHERE ") + column + " = ? ORDER BY id");
    q.bind(1, id);
    while (q.executeStep()) found.add(q.getColumn(0).getInt64(), "");
    return found;
}

template <class Item>
void refuse_removal_with_data(SQLite::Database& db, const std::vector<StoredItem>& stored,
                              const std::vector<Item>& revised, const char* list, const char* column) {
    for (const StoredItem& item : stored) {
        const bool kept = std::any_of(revised.begin(), revised.end(), [&](const Item& r) { return r.id == item.id; });
        if (kept) continue;
        const Offenders rows = rows_of(db, column, item.id);
        if (rows.count == 0) continue;
        Message problem{rows.count == 1 ? "store.removal_has_observation" : "store.removal_has_observations",
                        {{"ids", rows.ids_text()}}};
        if (rows.count > 1) problem.params.push_back({"count", rows.count});
        throw InvalidArgumentError(std::string(list) + "[" + item.name + "]", std::move(problem));
    }
}

// Every stored row of the metric that does not fit `kind`, by the rules of stored_row_problem.
Offenders misfits(SQLite::Database& db, std::int64_t metric_id, MetricKind kind) {
    Offenders found;
    SQLite::Statement q(db, "SELECT id, value, n, sum, sum_sq, exposure FROM observations WHERE metric_id = ? "
                            "ORDER BY id");
    q.bind(1, metric_id);
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    while (q.executeStep()) {
        const std::int64_t id = q.getColumn(0).getInt64();
        const SQLite::Column value = q.getColumn(1);
        const SQLite::Column n = q.getColumn(2);
        const bool has_exposure = !q.getColumn(5).isNull();
        std::optional<StoredRowProblem> problem;
        double shown = nan;
        if (n.isNull()) {
            shown = value.isNull() ? nan : value.getDouble();
            problem = stored_row_problem(kind, shown, nullptr, has_exposure);
        } else {
            const SQLite::Column sum_sq = q.getColumn(4);
            Aggregate aggregate{n.getInt64(), q.getColumn(3).getDouble(),
                                sum_sq.isNull() ? std::nullopt : std::optional<double>(sum_sq.getDouble())};
            problem = stored_row_problem(kind, nan, &aggregate, has_exposure);
        }
        if (!problem) continue;
        std::string text = std::string(problem->part) + " " + problem->problem.english();
        if (std::string_view(problem->part) == "value" && problem->problem.param("value") == nullptr)
            text += ", got " + format_number(shown);
        found.add(id, text);
    }
    return found;
}

}  // namespace

std::vector<std::int64_t> check_stored_data_fits(SQLite::Database& db, const Experiment& revised) {
    const auto arms = stored_items(db, "SELECT id, name FROM arms WHERE experiment_id = ?", revised.id, false);
    const auto metrics =
        stored_items(db, "SELECT id, name, kind FROM metrics WHERE experiment_id = ?", revised.id, true);
    refuse_removal_with_data(db, arms, revised.arms, "arms", "arm_id");
    refuse_removal_with_data(db, metrics, revised.metrics, "metrics", "metric_id");

    std::vector<std::int64_t> rebuild;
    for (const Metric& metric : revised.metrics) {
        const auto stored =
            std::find_if(metrics.begin(), metrics.end(), [&](const StoredItem& s) { return s.id == metric.id; });
        if (metric.id == 0 || stored == metrics.end() || stored->kind == metric.kind) continue;
        const Offenders rows = misfits(db, metric.id, metric.kind);
        if (rows.count > 0) {
            std::vector<MessageParam> params{{"from", std::string(to_string(stored->kind))},
                                             {"to", std::string(to_string(metric.kind))}};
            if (rows.count != 1) params.push_back({"count", rows.count});
            params.push_back({"ids", rows.ids_text()});
            params.push_back({"first", rows.ids.front()});
            params.push_back({"problem", rows.first_problem});
            throw InvalidArgumentError("metrics[" + metric.name + "].kind",
                                       Message{rows.count == 1 ? "store.kind_change_misfit"
                                                               : "store.kind_change_misfits",
                                               std::move(params)});
        }
        if ((stored->kind == MetricKind::proportion) != (metric.kind == MetricKind::proportion))
            rebuild.push_back(metric.id);
    }
    return rebuild;
}

}  // namespace kokeilu::detail
