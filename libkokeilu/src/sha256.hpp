// SHA-256 and random bytes, through OpenSSL's libcrypto (EVP). Everything the history hashes
// (entries, payloads, batches of observations) goes through here, so that one implementation,
// widely reviewed and using the processor's SHA instructions where it has them, is used throughout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace kokeilu::detail {

using Digest = std::array<unsigned char, 32>;

// An incremental SHA-256. Not copyable; reusable after finish() (it starts over).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& other) noexcept;
    Sha256& operator=(Sha256&& other) noexcept;

    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    void update(const Digest& digest) { update(digest.data(), digest.size()); }
    // The digest of everything given since construction (or the last finish); starts over.
    [[nodiscard]] Digest finish();

private:
    evp_md_ctx_st* context_;
};

[[nodiscard]] Digest sha256(std::string_view bytes);

// Cryptographically strong random bytes (OpenSSL's RAND_bytes); throws StorageError if the
// generator cannot be seeded, which no caller can repair.
[[nodiscard]] std::string random_bytes(std::size_t count);

// Lower-case hexadecimal of bytes, and back (throws InvalidArgumentError(field, ...)).
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::string to_hex(const Digest& digest);
[[nodiscard]] std::string from_hex(std::string_view hex, const char* field);

[[nodiscard]] inline std::string_view as_bytes(const Digest& digest) noexcept {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// Big-endian fixed-width integers, the byte order of every encoding the history hashes (a bulk
// write encodes five of them per row: one append each, not one per byte).
inline void append_u64(std::string& out, std::uint64_t value) {
    char bytes[8];
    for (int i = 7; i >= 0; --i, value >>= 8) bytes[i] = static_cast<char>(value & 0xFF);
    out.append(bytes, 8);
}
inline void append_u32(std::string& out, std::uint32_t value) {
    char bytes[4];
    for (int i = 3; i >= 0; --i, value >>= 8) bytes[i] = static_cast<char>(value & 0xFF);
    out.append(bytes, 4);
}

}  // namespace kokeilu::detail
