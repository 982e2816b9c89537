// The stores that the store-generic tests run against (test_store_atomicity.cpp), through the
// Store interface only. Beyond that interface a test needs one thing from each store: a way to
// make its storage refuse a chosen row, so that a write fails in its middle, after rows of its own
// are already in. SQLite does it with a trigger planted in the test's file; a PostgreSQL store
// would plant a trigger function. Each store is a fresh, empty one.
#pragma once

#include "kokeilu/store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kokeilu::testing {

// What the storage is to refuse, from when it is planted until stop_refusing().
struct Refusal {
    enum class Kind {
        observation_value,  // an observation whose value (or aggregate sum) is `value`
        summary_merge,      // any change of a running summary (the last step of a write of observations)
        amendment_field,    // an amendment of the field `text`
        arm_name,           // an arm inserted or updated with the name `text`
        metric_name,        // a metric inserted or updated with the name `text`
    };
    Kind kind = Kind::observation_value;
    double value = 0.0;
    std::string text;
};

class StoreUnderTest {
public:
    virtual ~StoreUnderTest() = default;
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual Store& store() = 0;
    virtual void refuse(const Refusal& refusal) = 0;
    virtual void stop_refusing() = 0;
};

// One maker per store kind.
[[nodiscard]] std::vector<std::function<std::unique_ptr<StoreUnderTest>()>> stores_under_test();

}  // namespace kokeilu::testing
