#include "kokeilu/error.hpp"

namespace kokeilu {

namespace {

const char* kind_name(ErrorCode kind) noexcept {
    switch (kind) {
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::invalid_state: return "invalid_state";
        case ErrorCode::storage: return "storage";
        case ErrorCode::schema: return "schema";
    }
    return "error";
}

}  // namespace

Error::Error(ErrorCode kind, const std::string& text)
    : std::runtime_error(text), kind_(kind), message_{kind_name(kind), {{"text", text}}} {}

}  // namespace kokeilu
