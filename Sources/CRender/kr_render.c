// PNG and PDF pictures from SVG with librsvg and cairo, opened on first use.
// See kr_render.h.
//
// The few types the calls need are declared here with the libraries' layouts
// (GLib's GError, librsvg's RsvgRectangle, cairo's status codes), so that
// building needs no development headers; every function comes from dlsym.
#define _GNU_SOURCE // vasprintf
#include "kr_render.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kr_gerror { // GError
  uint32_t domain;
  int code;
  char *message;
} kr_gerror;

typedef struct kr_rectangle { // RsvgRectangle
  double x, y, width, height;
} kr_rectangle;

typedef int (*kr_write_func)(void *closure, const unsigned char *data,
                             unsigned int length); // cairo_write_func_t

enum {
  KR_CAIRO_FORMAT_ARGB32 = 0,
  KR_CAIRO_STATUS_SUCCESS = 0,
  KR_CAIRO_STATUS_WRITE_ERROR = 11
};

typedef struct kr_api {
  void *(*handle_new_from_data)(const unsigned char *data, size_t length,
                                kr_gerror **error);
  int (*handle_render_document)(void *handle, void *context,
                                const kr_rectangle *viewport,
                                kr_gerror **error);
  void (*object_unref)(void *object);
  void (*error_free)(kr_gerror *error);
  void *(*image_surface_create)(int format, int width, int height);
  void *(*pdf_surface_create_for_stream)(kr_write_func write, void *closure,
                                         double width, double height);
  int (*surface_write_to_png_stream)(void *surface, kr_write_func write,
                                     void *closure);
  void (*surface_finish)(void *surface);
  int (*surface_status)(void *surface);
  void (*surface_destroy)(void *surface);
  void *(*create)(void *surface);
  void (*destroy)(void *context);
  void (*set_source_rgb)(void *context, double red, double green,
                         double blue);
  void (*paint)(void *context);
  void (*scale)(void *context, double x, double y);
  int (*status)(void *context);
  const char *(*status_to_string)(int status);
} kr_api;

static kr_api api;
static char load_failure[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *library = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    snprintf(load_failure, sizeof load_failure,
             "cannot load librsvg for PNG and PDF pictures (%s); install "
             "Debian's librsvg2-2 (bash .ci/setup does), or write an .svg",
             dlerror());
    return;
  }
  // Each name with the slot it fills; librsvg's own dependencies give the
  // cairo, GObject and GLib functions.
  struct {
    const char *name;
    void **slot;
  } symbols[] = {
      {"rsvg_handle_new_from_data", (void **)&api.handle_new_from_data},
      {"rsvg_handle_render_document", (void **)&api.handle_render_document},
      {"g_object_unref", (void **)&api.object_unref},
      {"g_error_free", (void **)&api.error_free},
      {"cairo_image_surface_create", (void **)&api.image_surface_create},
      {"cairo_pdf_surface_create_for_stream",
       (void **)&api.pdf_surface_create_for_stream},
      {"cairo_surface_write_to_png_stream",
       (void **)&api.surface_write_to_png_stream},
      {"cairo_surface_finish", (void **)&api.surface_finish},
      {"cairo_surface_status", (void **)&api.surface_status},
      {"cairo_surface_destroy", (void **)&api.surface_destroy},
      {"cairo_create", (void **)&api.create},
      {"cairo_destroy", (void **)&api.destroy},
      {"cairo_set_source_rgb", (void **)&api.set_source_rgb},
      {"cairo_paint", (void **)&api.paint},
      {"cairo_scale", (void **)&api.scale},
      {"cairo_status", (void **)&api.status},
      {"cairo_status_to_string", (void **)&api.status_to_string},
  };
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
    *symbols[i].slot = dlsym(library, symbols[i].name);
    if (*symbols[i].slot == NULL) {
      snprintf(load_failure, sizeof load_failure,
               "librsvg-2.so.2 has no %s: PNG and PDF pictures need librsvg "
               "2.46 or later with cairo",
               symbols[i].name);
      return;
    }
  }
}

/// A message for `*message`, formatted (NULL when out of memory).
static char *describe(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  char *text = NULL;
  if (vasprintf(&text, format, arguments) < 0) text = NULL;
  va_end(arguments);
  return text;
}

/// librsvg's message for `what`, freeing its error.
static char *librsvg_failure(const char *what, kr_gerror *error) {
  char *text = describe("%s: %s", what,
                        error && error->message ? error->message
                                                : "unknown error");
  if (error) api.error_free(error);
  return text;
}

/// The bytes cairo writes through its stream callback.
typedef struct kr_buffer {
  unsigned char *bytes;
  size_t count, capacity;
} kr_buffer;

static int append(void *closure, const unsigned char *data,
                  unsigned int length) {
  kr_buffer *buffer = closure;
  if (buffer->count + length > buffer->capacity) {
    size_t capacity = buffer->capacity ? 2 * buffer->capacity : 65536;
    while (capacity < buffer->count + length) capacity *= 2;
    unsigned char *grown = realloc(buffer->bytes, capacity);
    if (grown == NULL) return KR_CAIRO_STATUS_WRITE_ERROR;
    buffer->bytes = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->bytes + buffer->count, data, length);
  buffer->count += length;
  return KR_CAIRO_STATUS_SUCCESS;
}

/// Draws the document on `surface`; NULL, or what failed.
static char *draw(const char *svg, size_t length, void *surface, double width,
                  double height, double scale) {
  kr_gerror *error = NULL;
  void *handle =
      api.handle_new_from_data((const unsigned char *)svg, length, &error);
  if (handle == NULL)
    return librsvg_failure("librsvg could not read the picture", error);
  void *context = api.create(surface);
  api.set_source_rgb(context, 1, 1, 1);
  api.paint(context);
  api.scale(context, scale, scale);
  const kr_rectangle viewport = {0, 0, width, height};
  char *failure = NULL;
  if (!api.handle_render_document(handle, context, &viewport, &error)) {
    failure = librsvg_failure("librsvg could not draw the picture", error);
  } else if (api.status(context) != KR_CAIRO_STATUS_SUCCESS) {
    failure = describe("cairo: %s", api.status_to_string(api.status(context)));
  }
  api.destroy(context);
  api.object_unref(handle);
  return failure;
}

int kr_render(const char *svg, size_t length, double width, double height,
              double scale, kr_format format, unsigned char **bytes,
              size_t *count, char **message) {
  *bytes = NULL;
  *count = 0;
  *message = NULL;
  pthread_once(&load_once, load);
  if (load_failure[0]) {
    *message = describe("%s", load_failure);
    return 1;
  }
  kr_buffer buffer = {NULL, 0, 0};
  char *failure = NULL;
  if (format == KR_FORMAT_PNG) {
    void *surface = api.image_surface_create(KR_CAIRO_FORMAT_ARGB32,
                                             (int)lround(width * scale),
                                             (int)lround(height * scale));
    failure = draw(svg, length, surface, width, height, scale);
    if (failure == NULL) {
      const int status =
          api.surface_write_to_png_stream(surface, append, &buffer);
      if (status != KR_CAIRO_STATUS_SUCCESS)
        failure = describe("cairo could not encode the image: %s",
                           api.status_to_string(status));
    }
    api.surface_destroy(surface);
  } else {
    void *surface = api.pdf_surface_create_for_stream(
        append, &buffer, width * scale, height * scale);
    failure = draw(svg, length, surface, width, height, scale);
    api.surface_finish(surface);
    const int status = api.surface_status(surface);
    api.surface_destroy(surface);
    if (failure == NULL && status != KR_CAIRO_STATUS_SUCCESS)
      failure = describe("cairo could not write the PDF: %s",
                         api.status_to_string(status));
  }
  if (failure != NULL || buffer.bytes == NULL) {
    free(buffer.bytes);
    *message = failure ? failure : describe("cairo wrote nothing");
    return 1;
  }
  *bytes = buffer.bytes;
  *count = buffer.count;
  return 0;
}

void kr_free(void *pointer) { free(pointer); }
