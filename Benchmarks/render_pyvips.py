"""Replays an ad's drawing steps with pyvips on the same libvips, as the render benchmark's
baseline: the same canvas, photo cover, rectangles, text, logo, luminance reads and WEBP
encode, without Blumpo's layout search.

libvips's operation cache is off, as it is in Blumpo (VipsShim sets vips_cache_set_max(0) and
vips_cache_set_max_mem(0)): with it on, every round after the first would reuse the previous
round's identical operations and the replay would measure the cache, not the drawing. Threads
come from VIPS_CONCURRENCY, as for Blumpo.

Usage: render_pyvips.py PLAN.json PHOTO LOGO ROUNDS  → prints one JSON line: seconds per ad and
the settings it ran with.
"""
import json
import sys
import time

import pyvips

pyvips.cache_set_max(0)
pyvips.cache_set_max_mem(0)


def render(plan, photo, logo):
    canvas = None
    for op in plan:
        kind, args = next(iter(op.items()))
        if kind == "canvas":
            canvas = (pyvips.Image.black(args["width"], args["height"], bands=4) + (args["rgb"] + [255])).cast("uchar").copy(interpretation="srgb")
            canvas = canvas.copy_memory()
        elif kind == "photo":
            image = pyvips.Image.thumbnail_buffer(photo, args["width"], height=args["height"], size="both", crop="attention")
            canvas = canvas.composite2(image, "over", x=args["x"], y=args["y"]).cast("uchar").copy_memory()
        elif kind == "rect":
            rect = (pyvips.Image.black(args["width"], args["height"], bands=4) + (args["rgb"] + [255])).cast("uchar").copy(interpretation="srgb")
            canvas = canvas.composite2(rect, "over", x=args["x"], y=args["y"]).cast("uchar").copy_memory()
        elif kind == "text":
            align = ["low", "centre", "high"][args["align"]]
            mask = pyvips.Image.text(args["markup"], font=args["font"], width=args["wrapWidth"], align=align, spacing=args["spacing"], dpi=72)
            colour = (pyvips.Image.black(mask.width, mask.height, bands=3) + args["rgb"]).cast("uchar")
            overlay = colour.bandjoin(mask).copy(interpretation="srgb")
            canvas = canvas.composite2(overlay, "over", x=args["x"], y=args["y"]).cast("uchar").copy_memory()
        elif kind == "logo":
            image = pyvips.Image.thumbnail_buffer(logo, args["width"], height=args["height"], size="both").copy_memory()
            canvas = canvas.composite2(image, "over", x=args["x"], y=args["y"]).cast("uchar").copy_memory()
        elif kind == "measure":
            area = canvas.crop(args["x"], args["y"], args["width"], args["height"])[0:3].colourspace("b-w")
            area.min(), area.max(), area.avg()
    return canvas.webpsave_buffer(Q=88, strip=True)


def main():
    plan = json.load(open(sys.argv[1]))
    photo = open(sys.argv[2], "rb").read()
    logo = open(sys.argv[3], "rb").read()
    rounds = int(sys.argv[4])
    render(plan, photo, logo)
    start = time.perf_counter()
    for _ in range(rounds):
        render(plan, photo, logo)
    seconds = (time.perf_counter() - start) / rounds
    print(json.dumps({
        "seconds": seconds, "cache_max": pyvips.cache_get_max(), "cache_max_mem": pyvips.cache_get_max_mem(),
        "concurrency": pyvips.concurrency_get(), "libvips": "%d.%d.%d" % (pyvips.version(0), pyvips.version(1), pyvips.version(2)),
    }))


if __name__ == "__main__":
    main()
