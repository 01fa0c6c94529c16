#ifndef BLUMPO_VIPS_SHIM_H
#define BLUMPO_VIPS_SHIM_H

#include <stddef.h>

/* Fixed-arity wrappers over libvips' variadic API, which Swift cannot call. Images cross the
 * boundary as opaque pointers; every function returns 0 on success and -1 on failure, with
 * the reason in blumpo_vips_error(). */

typedef struct _VipsImage BlumpoImage;

enum BlumpoImageFormat { BLUMPO_PNG = 0, BLUMPO_JPEG = 1, BLUMPO_WEBP = 2 };

/* Starts libvips once per process; safe to call again. */
int blumpo_vips_start(void);

/* The loader libvips picks for these bytes ("pngload_buffer", "svgload_buffer", ...), or NULL. */
const char *blumpo_vips_loader(const void *data, size_t length);

/* Opens the image header only (pixels decode later, on demand). */
BlumpoImage *blumpo_vips_open(const void *data, size_t length);

/* Decodes and shrinks (or, for vector images, renders) so the image fits width x height. */
BlumpoImage *blumpo_vips_thumbnail(const void *data, size_t length, int width, int height, int allow_upscale);

int blumpo_vips_width(BlumpoImage *image);
int blumpo_vips_height(BlumpoImage *image);
int blumpo_vips_has_alpha(BlumpoImage *image);

/* Encodes as sRGB 8-bit without metadata. The buffer is freed with blumpo_vips_free. */
int blumpo_vips_save(BlumpoImage *image, int format, int quality, void **data, size_t *length);

void blumpo_vips_release(BlumpoImage *image);
void blumpo_vips_free(void *data);
/* The last error message of this thread, cleared by the call. Caller frees with blumpo_vips_free. */
char *blumpo_vips_error(void);

#endif
