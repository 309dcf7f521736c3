// The client and server presets as tables (`lvsim presets`, the README's presets section): one
// rendering of client_profile.cpp's and web_server.cpp's tables, so the docs cannot drift.
#pragma once

#include <string>
#include <string_view>

namespace lvs::http {

// Markdown: a table of the clients, a table of the servers, then each preset's sources.
std::string presets_markdown();
// One preset's values and the source of each, as text; empty for an unknown name.
std::string preset_sources(std::string_view name);

}  // namespace lvs::http
