#ifndef KR_RENDER_H
#define KR_RENDER_H

// PNG and PDF pictures from SVG documents, drawn by librsvg and cairo (the
// renderers of the GNOME desktop). The libraries are opened on first use
// (dlopen of librsvg-2.so.2, which brings cairo, GObject and GLib), so that a
// process that draws no PNG or PDF never loads them: linked, their thirty-odd
// shared objects cost every ketasim command about 8 ms of start-up.
//
// This module provides no stable API: KetasimRender wraps it.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What kr_render writes.
typedef enum kr_format {
  KR_FORMAT_PNG = 0, // an ARGB image of round(width * scale) x round(height * scale) pixels
  KR_FORMAT_PDF = 1  // one page of width * scale x height * scale points
} kr_format;

/// Draws the SVG document `svg` (`length` bytes; `width` x `height` units) on
/// white, scaled by `scale`, as `format`. Returns 0 with the picture in
/// `*bytes` (`*count` bytes); otherwise non-zero with a sentence saying what
/// failed in `*message` (librsvg cannot be loaded, cannot read or draw the
/// document, cairo cannot encode it). Both are allocated: free them with
/// kr_free. Safe to call from several threads.
int kr_render(const char *svg, size_t length, double width, double height,
              double scale, kr_format format, unsigned char **bytes,
              size_t *count, char **message);

/// Frees what kr_render allocated (NULL is allowed).
void kr_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
