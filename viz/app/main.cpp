// lvsim-view: the timeline viewer (skeleton until the viewer issue lands).
#include <cstdio>

int main() {
    std::puts("lvsim-view: the timeline viewer is not built yet (see the viewer issue).");
    return 0;
}
