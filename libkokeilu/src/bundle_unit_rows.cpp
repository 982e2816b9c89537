// The units level of a bundle written by the core: kokeilu.bundle creates the file and its other
// parts; the rows, which grow with the data, go from the tracker to the file here, hashed on the
// way (kokeilu/bundle_rows.hpp).
#include "kokeilu/bundle_rows.hpp"

#include "kokeilu/tracker.hpp"
#include "sha256.hpp"
#include "unicode_text.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kokeilu {

namespace {

// "2025-03-04T05:06:07.000008Z"
std::string iso_utc(std::int64_t at_us) {
    using namespace std::chrono;
    const sys_time<microseconds> at{microseconds{at_us}};
    const sys_days day = floor<days>(at);
    const year_month_day date{day};
    const auto in_day = at - day;
    const auto h = duration_cast<hours>(in_day);
    const auto m = duration_cast<minutes>(in_day - h);
    const auto s = duration_cast<seconds>(in_day - h - m);
    const auto us = in_day - h - m - s;
    // Written digit by digit: a million rows make snprintf's parsing of its format a cost.
    std::string text = "0000-00-00T00:00:00.000000Z";
    const auto put = [&](std::size_t end, long long value, int width) {
        for (int k = 0; k < width; ++k, value /= 10) text[end - static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
    };
    put(3, static_cast<int>(date.year()), 4);
    put(6, static_cast<unsigned>(date.month()), 2);
    put(9, static_cast<unsigned>(date.day()), 2);
    put(12, h.count(), 2);
    put(15, m.count(), 2);
    put(18, s.count(), 2);
    put(25, us.count(), 6);
    return text;
}

// Pseudonyms by subject: a subject has many rows, and one HMAC each is enough.
class Pseudonyms {
public:
    Pseudonyms(std::string_view secret, std::string_view prefix) : secret_(secret), prefix_(prefix) {}

    const std::string& of(std::string_view subject) {
        const auto [entry, added] = cache_.try_emplace(std::string(subject));
        if (!added) return entry->second;
        const std::string message = prefix_ + detail::to_nfc(subject);
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
        entry->second = detail::to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
        return entry->second;
    }

private:
    std::string secret_;
    std::string prefix_;
    std::unordered_map<std::string, std::string> cache_;
};

// A REAL of the file: NaN is no value; a zero is +0.0 (SQLite reads a stored -0.0 back as 0.0).
std::optional<double> real(double value) {
    if (std::isnan(value)) return std::nullopt;
    return value == 0.0 ? 0.0 : value;
}

// One row of the part: each value bound to the INSERT and added to the row's canonical line in
// the same step, so that the hash is of exactly what was written.
class RowOut {
public:
    RowOut(SQLite::Statement& insert, std::string& line) : insert_(insert), line_(line) {}

    void text(std::string_view value) {
        next();
        append_canonical_text(line_, value);
        insert_.bind(column_, std::string(value));
    }
    void optional_text(const std::optional<std::string_view>& value) {
        if (value) return text(*value);
        null();
    }
    void integer(std::int64_t value) {
        next();
        line_ += std::to_string(value);
        insert_.bind(column_, value);
    }
    void real(const std::optional<double>& value) {
        if (!value) return null();
        next();
        append_canonical_number(line_, *value);
        insert_.bind(column_, *value);
    }
    // The line of the row, "[...]\n"; the INSERT is run and reset for the next row.
    const std::string& write() {
        line_ += "]\n";
        insert_.exec();
        insert_.reset();
        return line_;
    }

private:
    void next() {
        line_ += column_ == 0 ? '[' : ',';
        ++column_;
    }
    void null() {
        next();
        line_ += "null";
        insert_.bind(column_);
    }

    SQLite::Statement& insert_;
    std::string& line_;
    int column_ = 0;
};

}  // namespace

BundlePartWritten write_bundle_unit_rows(const Tracker& tracker, const std::string& path,
                                         std::span<const std::string> keys, std::string_view secret,
                                         std::string_view subject_prefix, bool notes) {
    std::vector<Experiment> experiments;
    experiments.reserve(keys.size());
    for (const std::string& key : keys) experiments.push_back(tracker.get(key));
    // The order of the part's hash: by UUID, then position.
    std::sort(experiments.begin(), experiments.end(),
              [](const Experiment& a, const Experiment& b) { return a.uuid < b.uuid; });

    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
    // The file is a new one beside the bundle, renamed into place only once whole (and synced by
    // the writer of the other parts): a journal would only keep what a failure throws away.
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    db.exec("PRAGMA cache_size = -65536");
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO observations (uuid, position, metric, arm, at, value, n, sum, sum_sq, "
                                 "exposure, subject, note, covariate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Pseudonyms pseudonyms(secret, subject_prefix);
    detail::Sha256 hash;
    BundlePartWritten out;
    std::string line;
    for (const Experiment& e : experiments) {
        std::unordered_map<std::int64_t, std::string> arm_names;
        for (const Arm& arm : e.arms) arm_names.emplace(arm.id, arm.name);
        std::int64_t position = 0;
        for (const Metric& metric : e.metrics) {
            const bool counts = metric.kind == MetricKind::count;
            tracker.for_each_observation(e.key, ObservationQuery{metric.name, {}, {}, {}, false, false},
                                         [&](const ObservationRow& row) {
                const std::string& arm = arm_names.at(row.arm_id);
                const std::string at = iso_utc(row.at_us);
                const std::optional<double> value = row.is_aggregate ? std::nullopt : real(row.value);
                const std::int64_t n = row.is_aggregate ? row.n : 1;
                const std::optional<double> sum = real(row.is_aggregate ? row.sum : row.value);
                const std::optional<double> sum_sq = row.is_aggregate ? real(row.sum_sq) : real(row.value * row.value);
                const std::optional<double> exposure = counts ? real(row.exposure) : std::nullopt;
                const std::optional<std::string_view> subject =
                    row.subject.empty() ? std::nullopt : std::optional<std::string_view>(pseudonyms.of(row.subject));
                const std::optional<std::string_view> note =
                    notes && !row.note.empty() ? std::optional<std::string_view>(row.note) : std::nullopt;
                const std::optional<double> covariate = real(row.covariate);

                line.clear();
                RowOut written_row(insert, line);
                written_row.text(e.uuid);
                written_row.integer(position);
                written_row.text(metric.name);
                written_row.text(arm);
                written_row.text(at);
                written_row.real(value);
                written_row.integer(n);
                written_row.real(sum);
                written_row.real(sum_sq);
                written_row.real(exposure);
                written_row.optional_text(subject);
                written_row.optional_text(note);
                written_row.real(covariate);
                hash.update(written_row.write());
                ++position;
                ++out.rows;
            });
        }
    }
    transaction.commit();
    out.sha256 = detail::to_hex(hash.finish());
    return out;
}

}  // namespace kokeilu
