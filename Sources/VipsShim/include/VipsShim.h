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

/* --- Composition (the ad renderer) --- */

/* An opaque or translucent sRGB canvas of one colour (channels 0..255, alpha 0..255). */
BlumpoImage *blumpo_vips_solid(int width, int height, double r, double g, double b, double a);

/* Pango markup rendered as a 1-band mask wrapped to width; align 0 left, 1 centre, 2 right;
 * spacing is the extra space between lines in pixels. NULL fontfile uses installed fonts. */
BlumpoImage *blumpo_vips_text(const char *markup, const char *font, int width, int align, int spacing);

/* An RGBA image of the mask's size in one colour, the mask as its alpha. */
BlumpoImage *blumpo_vips_colorize(BlumpoImage *mask, double r, double g, double b);

/* overlay composited OVER base at (x, y); both are converted to sRGB with alpha first. */
BlumpoImage *blumpo_vips_over(BlumpoImage *base, BlumpoImage *overlay, int x, int y);

/* Decodes and covers width x height: resized to fill, then cropped around what draws the eye. */
BlumpoImage *blumpo_vips_cover(const void *data, size_t length, int width, int height);

/* The image computed into memory: later reads are random-access and never recompute the
 * pipeline that made it. The input is released. */
BlumpoImage *blumpo_vips_materialize(BlumpoImage *image);

/* Minimum, maximum and mean gamma-encoded luminance (0..1) of a region, alpha ignored. */
int blumpo_vips_region_luminance(BlumpoImage *image, int left, int top, int width, int height, double *minimum, double *maximum, double *mean);

/* The mean colour (0..255) of the image's visible pixels, weighted by alpha, and the share of
 * visible pixels (0..1). */
int blumpo_vips_mean_color(BlumpoImage *image, double *r, double *g, double *b, double *coverage);

/* The image as packed 8-bit RGB pixels (alpha flattened onto white), row by row. Freed with
 * blumpo_vips_free. */
int blumpo_vips_pixels(BlumpoImage *image, void **data, size_t *length);

void blumpo_vips_release(BlumpoImage *image);
void blumpo_vips_free(void *data);
/* The last error message of this thread, cleared by the call. Caller frees with blumpo_vips_free. */
char *blumpo_vips_error(void);

#endif
