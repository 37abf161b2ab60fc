// librsvg (SVG rendering) and cairo (PNG and PDF surfaces) from Debian's
// librsvg2-dev and libcairo2-dev, found through pkg-config `librsvg-2.0`.
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <cairo-pdf.h>
