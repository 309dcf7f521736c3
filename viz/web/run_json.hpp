// A run as the web page needs it (`lvsim export --html`): the listings as ipvsadm printed
// them, each realserver's counters, every connection's three lanes of states, the event log
// with its reasons, the guided steps and the expectations, as one JSON object. Everything is
// derived from the same trace model the viewer uses, so the page and the viewer agree.
#pragma once

#include <string>

#include "viz/run_data.hpp"

namespace lvs::viz {

std::string run_json(const RunData& run);

// A listing as a page shows it: its first lines, then how many more it had (the viewer keeps
// them all).
std::string listing_head(std::string_view text);

// The JSON string literal of `s` (quotes included; safe inside <script>).
std::string json_text(std::string_view s);

}  // namespace lvs::viz
