// `lvsim export`: a run as one self-contained web page (the player) or as a printable handout.
// The page's template is viz/web/page.html, compiled in; the data is run_json().
#pragma once

#include <string>
#include <vector>

#include "viz/run_data.hpp"

namespace lvs::viz {

// The player: one run, or two compared on one cursor.
std::string web_page(const std::vector<const RunData*>& runs);

// The handout: the lesson, and for each guided step its caption, question, a picture of the
// realservers' counters up to then and the listings at that time; the answers follow on a page
// of their own.
std::string handout(const RunData& run);

// The page template (page_html.cpp, generated from viz/web/page.html at configure time).
extern const char* const kPageTemplate;
// What several directors (a pair, a fleet) add to it (viz/web/page_directors.html: styles and a
// script, before </body>).
extern const char* const kPageDirectorsTemplate;

}  // namespace lvs::viz
