// The keyboard and mouse reference (H or F1), listed from the shortcut table itself.
#pragma once

namespace lvs::viz {

// Draws the overlay while `open`; clears it when closed.
void help_overlay(bool& open);

}  // namespace lvs::viz
