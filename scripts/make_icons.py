"""Draws the Firebreak app icon (a flame cut by a firebreak line) at every size the
Tauri bundle needs. Run once after changing the design: python3 scripts/make_icons.py"""
from pathlib import Path
from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "icons"
S = 1024


def draw() -> Image.Image:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    # rounded tile with a vertical gradient, dark slate to near-black
    tile = Image.new("RGBA", (S, S))
    td = ImageDraw.Draw(tile)
    for y in range(S):
        t = y / S
        td.line([(0, y), (S, y)], fill=(int(38 - 18 * t), int(44 - 20 * t), int(58 - 24 * t), 255))
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle([40, 40, S - 40, S - 40], radius=200, fill=255)
    img.paste(tile, (0, 0), mask)
    # flame: two teardrops, orange outer, yellow inner
    def flame(cx, base, w, h, colour):
        pts = []
        import math
        for i in range(0, 361, 3):
            a = math.radians(i)
            x = math.sin(a) * w * (0.55 + 0.45 * math.cos(a / 2) ** 2)
            y = -(1 - math.cos(a)) / 2 * h
            # sharpen the tip
            if y < -h * 0.6:
                x *= (h + y) / (h * 0.4)
            pts.append((cx + x, base + y))
        d.polygon(pts, fill=colour)
    flame(S / 2, 860, 300, 700, (245, 110, 40, 255))
    flame(S / 2, 860, 170, 420, (255, 200, 70, 255))
    # the firebreak: a clear diagonal band across the flame
    d.polygon([(180, 560), (S - 180, 440), (S - 180, 520), (180, 640)], fill=(30, 34, 46, 255))
    return img


def main() -> None:
    OUT.mkdir(exist_ok=True)
    big = draw()
    big.save(OUT / "icon.png")
    # every hicolor size a Linux desktop looks for (16 to 512), plus the @2x name macOS uses
    sizes = [(n, f"{n}x{n}.png") for n in (16, 24, 32, 48, 64, 128, 256, 512)] + [(256, "128x128@2x.png")]
    for size, name in sizes:
        big.resize((size, size), Image.LANCZOS).save(OUT / name)
    big.save(OUT / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.save(OUT / "icon.icns")


if __name__ == "__main__":
    main()
