#include "kokeilu/lifecycle.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"

#include <string>

namespace kokeilu {

void require_step(const Experiment& e, LifecycleStep step) {
    bool allowed = false;
    const char* code = "";
    switch (step) {
        case LifecycleStep::start:
            allowed = e.status == Status::draft;
            code = "lifecycle.cannot_start";
            break;
        case LifecycleStep::stop:
            allowed = e.status == Status::draft || e.status == Status::running;
            code = "lifecycle.cannot_stop";
            break;
        case LifecycleStep::conclude:
            allowed = e.status == Status::running;
            code = "lifecycle.cannot_conclude";
            break;
    }
    if (!allowed) throw InvalidStateError(Message{code, {{"key", e.key}, {"status", std::string(to_string(e.status))}}});
}

}  // namespace kokeilu
