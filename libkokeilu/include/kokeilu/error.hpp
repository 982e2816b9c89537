// Errors raised by libkokeilu. Every error derives from kokeilu::Error (a std::runtime_error)
// and carries its kind (not found, invalid argument, ...) and its message as a stable code with
// typed parameters (see message.hpp), so a caller (or the Python bindings) can dispatch on the
// failure and say it in its own language without parsing the English of what().
#pragma once

#include "kokeilu/message.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu {

enum class ErrorCode {
    not_found,         // no experiment, metric, arm, ... with that name
    invalid_argument,  // a value the caller gave is wrong; field() names it
    invalid_state,     // the operation is not allowed in the experiment's current state
    storage,           // the underlying store failed (I/O, locking, constraint)
    schema,            // the file is not a kokeilu tracker, or it was written by a newer version
};

class Error : public std::runtime_error {
public:
    // what() is `prefix` followed by the message's English text.
    Error(ErrorCode kind, Message message, const std::string& prefix = {})
        : std::runtime_error(prefix + message.english()), kind_(kind), message_(std::move(message)) {}
    // An error whose text has no code of its own yet: its code is the kind's name ("storage").
    Error(ErrorCode kind, const std::string& text);

    [[nodiscard]] ErrorCode kind() const noexcept { return kind_; }
    // The stable code of the message ("value.not_finite") and its parameters.
    [[nodiscard]] const std::string& code() const noexcept { return message_.code; }
    [[nodiscard]] const std::vector<MessageParam>& params() const noexcept { return message_.params; }
    [[nodiscard]] const Message& message() const noexcept { return message_; }

private:
    ErrorCode kind_;
    Message message_;
};

// Raised when a looked-up entity does not exist. The message names what was looked for.
class NotFoundError : public Error {
public:
    explicit NotFoundError(Message message) : Error(ErrorCode::not_found, std::move(message)) {}
};

// Raised for bad input. The message is "<field>: <problem>", and field() returns the field alone,
// so front ends can point at the right prompt or column; code() and params() are the problem's.
class InvalidArgumentError : public Error {
public:
    InvalidArgumentError(const std::string& field, Message problem)
        : Error(ErrorCode::invalid_argument, std::move(problem), field + ": "), field_(field) {}
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

// Raised for a lifecycle violation: a bad transition, a change to a locked field without a reason,
// an observation outside the running state, or a concurrent change detected at save time.
class InvalidStateError : public Error {
public:
    explicit InvalidStateError(Message message) : Error(ErrorCode::invalid_state, std::move(message)) {}
};

// Raised when the store fails. sqlite_code() is the SQLite result code where there is one, else 0.
class StorageError : public Error {
public:
    StorageError(Message message, int sqlite_code)
        : Error(ErrorCode::storage, std::move(message)), sqlite_code_(sqlite_code) {}
    [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }

private:
    int sqlite_code_;
};

// Raised when a file is not a kokeilu tracker, or its schema is newer than this library knows.
class SchemaError : public Error {
public:
    explicit SchemaError(Message message) : Error(ErrorCode::schema, std::move(message)) {}
};

}  // namespace kokeilu
