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
