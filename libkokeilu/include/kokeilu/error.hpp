// Errors raised by libkokeilu. Every error derives from kokeilu::Error (a std::runtime_error)
// and carries a code, so a caller (or the Python bindings) can dispatch on the kind of failure
// without parsing messages.
#pragma once

#include <stdexcept>
#include <string>

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
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    [[nodiscard]] ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

// Raised when a looked-up entity does not exist. The message names what was looked for.
class NotFoundError : public Error {
public:
    NotFoundError(const std::string& what, const std::string& name)
        : Error(ErrorCode::not_found, what + " not found: " + name) {}
};

// Raised for bad input. The message is "<field>: <problem>", and field() returns the field alone,
// so front ends can point at the right prompt or column.
class InvalidArgumentError : public Error {
public:
    InvalidArgumentError(const std::string& field, const std::string& problem)
        : Error(ErrorCode::invalid_argument, field + ": " + problem), field_(field) {}
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

// Raised for a lifecycle violation: a bad transition, a change to a locked field without a reason,
// an observation outside the running state, or a concurrent change detected at save time.
class InvalidStateError : public Error {
public:
    explicit InvalidStateError(const std::string& message) : Error(ErrorCode::invalid_state, message) {}
};

// Raised when the store fails. sqlite_code() is the SQLite result code where there is one, else 0.
class StorageError : public Error {
public:
    StorageError(const std::string& message, int sqlite_code)
        : Error(ErrorCode::storage, message), sqlite_code_(sqlite_code) {}
    [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }

private:
    int sqlite_code_;
};

// Raised when a file is not a kokeilu tracker, or its schema is newer than this library knows.
class SchemaError : public Error {
public:
    explicit SchemaError(const std::string& message) : Error(ErrorCode::schema, message) {}
};

}  // namespace kokeilu
