"""Pillow baseline for bench/render-benchmark.sh: the same photos, the same variants.

Like for like with the engines: JPEG draft mode (libjpeg DCT scaling) for the 1024
variant, EXIF orientation applied, then the 256 variant from the 1024 one, both
encoded at quality 85. Prints one RESULT line.
"""
import io
import pathlib
import statistics
import sys
import time

from PIL import Image, ImageOps


def render(data):
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (1024, 1024))
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((1024, 1024))
    medium = io.BytesIO()
    image.save(medium, "JPEG", quality=85)
    image.thumbnail((256, 256))
    thumb = io.BytesIO()
    image.save(thumb, "JPEG", quality=85)
    return medium.getvalue(), thumb.getvalue()


def peak_rss_mib():
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def main():
    directory = pathlib.Path(sys.argv[1])
    warm_up = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    photos = []
    for path in sorted(directory.glob("*.jpg")):
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            photos.append((data, image.width * image.height / 1e6))
    for _ in range(warm_up):
        for data, _ in photos:
            render(data)
    millis = []
    megapixels = 0.0
    for _ in range(rounds):
        for data, mp in photos:
            start = time.perf_counter()
            render(data)
            millis.append((time.perf_counter() - start) * 1000)
            megapixels += mp
    total = sum(millis)
    print(
        f"RESULT pillow images={len(photos)} median_ms={statistics.median(millis):.1f} "
        f"ms_per_mp={total / megapixels:.2f} images_per_s={1000 * len(millis) / total:.2f} "
        f"rss_mib={peak_rss_mib()} pillow={Image.__version__}"
    )


if __name__ == "__main__":
    main()
