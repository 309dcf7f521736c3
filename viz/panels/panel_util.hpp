// Small drawing helpers shared by the panels.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>

#include "viz/theme.hpp"

namespace lvs::viz {

inline ImVec4 to_vec4(Rgb c, float a = 1.0f) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, a); }

// A panel title line: bold-looking text and a thin rule under it.
// `text`, shortened with "..." to fit `width` pixels in the current font.
std::string fit_text(std::string_view text, float width);

void panel_title(const char* title, const char* detail = nullptr);
// A row of colour swatches with state names (the legend).
void state_legend(std::initializer_list<ConnState> states);
// Time readout: "100.000000 s".
std::string cursor_text(int64_t t);

}  // namespace lvs::viz
