#include "VipsShim.h"
#include <vips/vips.h>
#include <string.h>

int blumpo_vips_start(void) {
    static int started = 0;
    static GMutex lock;
    g_mutex_lock(&lock);
    if (!started) {
        if (vips_init("blumpo") != 0) { g_mutex_unlock(&lock); return -1; }
        /* Every image is used once; the operation cache would only hold memory. */
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        started = 1;
    }
    g_mutex_unlock(&lock);
    return 0;
}

const char *blumpo_vips_loader(const void *data, size_t length) {
    return vips_foreign_find_load_buffer(data, length);
}

BlumpoImage *blumpo_vips_open(const void *data, size_t length) {
    return vips_image_new_from_buffer(data, length, "", "fail", TRUE, NULL);
}

BlumpoImage *blumpo_vips_thumbnail(const void *data, size_t length, int width, int height, int allow_upscale) {
    VipsImage *out = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &out, width, "height", height,
                              "size", allow_upscale ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN, NULL) != 0) return NULL;
    return out;
}

int blumpo_vips_width(BlumpoImage *image) { return vips_image_get_width(image); }
int blumpo_vips_height(BlumpoImage *image) { return vips_image_get_height(image); }
int blumpo_vips_has_alpha(BlumpoImage *image) { return vips_image_hasalpha(image); }

int blumpo_vips_save(BlumpoImage *image, int format, int quality, void **data, size_t *length) {
    VipsImage *srgb = NULL, *eight = NULL;
    int result = -1;
    if (vips_colourspace(image, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0) return -1;
    if (vips_cast_uchar(srgb, &eight, NULL) != 0) { g_object_unref(srgb); return -1; }
    switch (format) {
    case BLUMPO_PNG:
        result = vips_pngsave_buffer(eight, data, length, "strip", TRUE, "compression", 6, NULL);
        break;
    case BLUMPO_JPEG: {
        VipsImage *flat = NULL;
        if (vips_image_hasalpha(eight)) {
            VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
            int failed = vips_flatten(eight, &flat, "background", white, NULL);
            vips_area_unref(VIPS_AREA(white));
            if (failed) break;
        } else {
            flat = eight;
            g_object_ref(flat);
        }
        result = vips_jpegsave_buffer(flat, data, length, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, NULL);
        g_object_unref(flat);
        break;
    }
    case BLUMPO_WEBP:
        result = vips_webpsave_buffer(eight, data, length, "Q", quality, "strip", TRUE, NULL);
        break;
    }
    g_object_unref(eight);
    g_object_unref(srgb);
    return result;
}

void blumpo_vips_release(BlumpoImage *image) { if (image) g_object_unref(image); }
void blumpo_vips_free(void *data) { g_free(data); }

char *blumpo_vips_error(void) {
    char *message = g_strdup(vips_error_buffer());
    vips_error_clear();
    return message;
}

/* --- Composition --- */

/* sRGB with an alpha band, 8 bits per channel. */
static VipsImage *rgba(VipsImage *in) {
    VipsImage *srgb = NULL, *alpha = NULL, *eight = NULL;
    if (vips_colourspace(in, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0) return NULL;
    if (vips_image_hasalpha(srgb)) {
        alpha = srgb;
    } else {
        if (vips_addalpha(srgb, &alpha, NULL) != 0) { g_object_unref(srgb); return NULL; }
        g_object_unref(srgb);
    }
    if (vips_cast_uchar(alpha, &eight, NULL) != 0) { g_object_unref(alpha); return NULL; }
    g_object_unref(alpha);
    return eight;
}

BlumpoImage *blumpo_vips_solid(int width, int height, double r, double g, double b, double a) {
    VipsImage *black = NULL, *coloured = NULL, *out = NULL;
    double scale[4] = { 1, 1, 1, 1 };
    double offset[4] = { r, g, b, a };
    if (vips_black(&black, width, height, "bands", 4, NULL) != 0) return NULL;
    int failed = vips_linear(black, &coloured, scale, offset, 4, "uchar", TRUE, NULL);
    g_object_unref(black);
    if (failed) return NULL;
    failed = vips_copy(coloured, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL);
    g_object_unref(coloured);
    return failed ? NULL : out;
}

BlumpoImage *blumpo_vips_text(const char *markup, const char *font, int width, int align, int spacing) {
    VipsImage *out = NULL;
    VipsAlign alignment = align == 1 ? VIPS_ALIGN_CENTRE : (align == 2 ? VIPS_ALIGN_HIGH : VIPS_ALIGN_LOW);
    if (vips_text(&out, markup, "font", font, "width", width, "align", alignment, "spacing", spacing, "dpi", 72, NULL) != 0) return NULL;
    return out;
}

BlumpoImage *blumpo_vips_colorize(BlumpoImage *mask, double r, double g, double b) {
    VipsImage *colour = NULL, *joined = NULL, *out = NULL;
    double scale[3] = { 0, 0, 0 };
    double offset[3] = { r, g, b };
    VipsImage *black = NULL;
    if (vips_black(&black, vips_image_get_width(mask), vips_image_get_height(mask), "bands", 3, NULL) != 0) return NULL;
    int failed = vips_linear(black, &colour, scale, offset, 3, "uchar", TRUE, NULL);
    g_object_unref(black);
    if (failed) return NULL;
    failed = vips_bandjoin2(colour, mask, &joined, NULL);
    g_object_unref(colour);
    if (failed) return NULL;
    failed = vips_copy(joined, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL);
    g_object_unref(joined);
    return failed ? NULL : out;
}

BlumpoImage *blumpo_vips_over(BlumpoImage *base, BlumpoImage *overlay, int x, int y) {
    VipsImage *a = rgba(base), *b = NULL, *out = NULL;
    if (!a) return NULL;
    b = rgba(overlay);
    if (!b) { g_object_unref(a); return NULL; }
    int failed = vips_composite2(a, b, &out, VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL);
    g_object_unref(a);
    g_object_unref(b);
    if (failed) return NULL;
    VipsImage *eight = NULL;
    failed = vips_cast_uchar(out, &eight, NULL);
    g_object_unref(out);
    return failed ? NULL : eight;
}

BlumpoImage *blumpo_vips_cover(const void *data, size_t length, int width, int height) {
    VipsImage *out = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &out, width, "height", height, "size", VIPS_SIZE_BOTH,
                              "crop", VIPS_INTERESTING_ATTENTION, NULL) != 0) return NULL;
    return out;
}

int blumpo_vips_region_luminance(BlumpoImage *image, int left, int top, int width, int height, double *minimum, double *maximum, double *mean) {
    VipsImage *area = NULL, *colour = NULL, *grey = NULL, *band = NULL;
    int result = -1;
    if (vips_extract_area(image, &area, left, top, width, height, NULL) != 0) return -1;
    if (vips_extract_band(area, &colour, 0, "n", vips_image_get_bands(area) >= 3 ? 3 : 1, NULL) != 0) goto done;
    if (vips_colourspace(colour, &grey, VIPS_INTERPRETATION_B_W, NULL) != 0) goto done;
    if (vips_extract_band(grey, &band, 0, NULL) != 0) goto done;
    if (vips_min(band, minimum, NULL) != 0 || vips_max(band, maximum, NULL) != 0 || vips_avg(band, mean, NULL) != 0) goto done;
    *minimum /= 255.0;
    *maximum /= 255.0;
    *mean /= 255.0;
    result = 0;
done:
    if (band) g_object_unref(band);
    if (grey) g_object_unref(grey);
    if (colour) g_object_unref(colour);
    g_object_unref(area);
    return result;
}

int blumpo_vips_mean_color(BlumpoImage *image, double *r, double *g, double *b, double *coverage) {
    VipsImage *in = rgba(image), *premultiplied = NULL, *stats = NULL;
    int result = -1;
    if (!in) return -1;
    if (vips_premultiply(in, &premultiplied, NULL) != 0) goto done;
    if (vips_stats(premultiplied, &stats, NULL) != 0) goto done;
    /* Rows 1..4 are the bands; column 4 is the mean. */
    double alpha = *VIPS_MATRIX(stats, 4, 4);
    *coverage = alpha / 255.0;
    if (alpha <= 0.0) { *r = *g = *b = 0; result = 0; goto done; }
    *r = *VIPS_MATRIX(stats, 4, 1) * 255.0 / alpha;
    *g = *VIPS_MATRIX(stats, 4, 2) * 255.0 / alpha;
    *b = *VIPS_MATRIX(stats, 4, 3) * 255.0 / alpha;
    result = 0;
done:
    if (stats) g_object_unref(stats);
    if (premultiplied) g_object_unref(premultiplied);
    g_object_unref(in);
    return result;
}

BlumpoImage *blumpo_vips_materialize(BlumpoImage *image) {
    if (!image) return NULL;
    VipsImage *memory = vips_image_copy_memory(image);
    g_object_unref(image);
    return memory;
}

int blumpo_vips_pixels(BlumpoImage *image, void **data, size_t *length) {
    VipsImage *in = rgba(image), *flat = NULL;
    if (!in) return -1;
    VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    int failed = vips_flatten(in, &flat, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    g_object_unref(in);
    if (failed) return -1;
    VipsImage *eight = NULL;
    failed = vips_cast_uchar(flat, &eight, NULL);
    g_object_unref(flat);
    if (failed) return -1;
    *data = vips_image_write_to_memory(eight, length);
    g_object_unref(eight);
    return *data ? 0 : -1;
}
