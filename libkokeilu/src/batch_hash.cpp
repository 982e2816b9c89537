#include "batch_hash.hpp"

#include <bit>

namespace kokeilu::detail {

namespace {

constexpr std::string_view batch_prefix = "kokeilu-batch-1\n";
constexpr std::size_t block_size = 1 << 16;

}  // namespace

BatchHasher::BatchHasher() {
    buffer_.reserve(256);  // grows with a large write; a single row needs no more
    buffer_ += batch_prefix;
}

void BatchHasher::put_i64(std::int64_t value) { append_u64(buffer_, static_cast<std::uint64_t>(value)); }

void BatchHasher::put_double(double value) {
    append_u64(buffer_, std::bit_cast<std::uint64_t>(value + 0.0));  // + 0.0: -0.0 becomes 0.0
}

void BatchHasher::put_text(std::string_view text) {
    append_u32(buffer_, static_cast<std::uint32_t>(text.size()));
    buffer_ += text;
}

void BatchHasher::flush_if_full() {
    if (buffer_.size() < block_size) return;
    hash_.update(buffer_);
    buffer_.clear();
}

void BatchHasher::add(const ObservationRecord& row) {
    put_i64(row.metric_id);
    put_i64(row.arm_id);
    put_i64(row.at_us);
    if (row.aggregate) {
        buffer_ += '\x01';
        put_i64(row.aggregate->n);
        put_double(row.aggregate->sum);
        buffer_ += row.aggregate->sum_sq ? '\x01' : '\x00';
        if (row.aggregate->sum_sq) put_double(*row.aggregate->sum_sq);
    } else {
        buffer_ += '\x00';
        put_double(row.value);
    }
    buffer_ += row.exposure ? '\x01' : '\x00';
    if (row.exposure) put_double(*row.exposure);
    put_text(row.subject);
    put_text(row.note);
    // Only when given, so that every batch written before rows had one hashes as it did.
    if (row.covariate) {
        buffer_ += 'c';
        put_double(*row.covariate);
    }
    flush_if_full();
}

void BatchHasher::add_unit(std::int64_t metric_id, std::int64_t arm_id, std::int64_t at_us, double value,
                           std::optional<double> exposure) {
    put_i64(metric_id);
    put_i64(arm_id);
    put_i64(at_us);
    buffer_ += '\x00';
    put_double(value);
    buffer_ += exposure ? '\x01' : '\x00';
    if (exposure) put_double(*exposure);
    buffer_.append(8, '\0');  // two empty texts: subject and note
    flush_if_full();
}

std::string BatchHasher::finish() {
    hash_.update(buffer_);
    buffer_.clear();
    buffer_ += batch_prefix;
    return std::string(as_bytes(hash_.finish()));
}

}  // namespace kokeilu::detail
