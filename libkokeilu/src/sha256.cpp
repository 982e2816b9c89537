#include "sha256.hpp"

#include "kokeilu/error.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <utility>

namespace kokeilu::detail {

namespace {

// Fetched once: EVP_sha256() per digest would look the algorithm up again every time.
const EVP_MD* sha256_algorithm() {
    static const EVP_MD* const algorithm = EVP_sha256();
    return algorithm;
}

// code: lifecycle.hash_start_failed, hash_failed, hash_finish_failed or random_failed.
[[noreturn]] void crypto_failure(const char* code) {
    throw StorageError(Message{code, {}}, 0);
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr || EVP_DigestInit_ex(context_, sha256_algorithm(), nullptr) != 1) {
        EVP_MD_CTX_free(context_);
        crypto_failure("lifecycle.hash_start_failed");
    }
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

Sha256::Sha256(Sha256&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
    std::swap(context_, other.context_);
    return *this;
}

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(context_, data, size) != 1) crypto_failure("lifecycle.hash_failed");
}

Digest Sha256::finish() {
    Digest out{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_, out.data(), &length) != 1 || length != out.size())
        crypto_failure("lifecycle.hash_finish_failed");
    if (EVP_DigestInit_ex(context_, sha256_algorithm(), nullptr) != 1) crypto_failure("lifecycle.hash_start_failed");
    return out;
}

Digest sha256(std::string_view bytes) {
    Digest out{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, sha256_algorithm(), nullptr) != 1 ||
        length != out.size())
        crypto_failure("lifecycle.hash_failed");
    return out;
}

std::string random_bytes(std::size_t count) {
    std::string out(count, '\0');
    if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1)
        crypto_failure("lifecycle.random_failed");
    return out;
}

std::string to_hex(std::string_view bytes) {
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

std::string to_hex(const Digest& digest) { return to_hex(as_bytes(digest)); }

std::string from_hex(std::string_view hex, const char* field) {
    const auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw InvalidArgumentError(field, Message{"lifecycle.not_hexadecimal", {}});
    };
    if (hex.size() % 2 != 0) throw InvalidArgumentError(field, Message{"lifecycle.odd_hex_digits", {}});
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return out;
}

}  // namespace kokeilu::detail
