"""Writes a synthetic photo-like JPEG (smooth gradients plus noise, so it
compresses like a photograph) of the given size to stdout."""
import io
import random
import sys

from PIL import Image, ImageFilter

width, height = int(sys.argv[1]), int(sys.argv[2])
random.seed(7)
noise = Image.effect_noise((width, height), 64).convert("RGB")
gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
image = Image.blend(noise.filter(ImageFilter.GaussianBlur(2)), gradient, 0.5)
out = io.BytesIO()
image.save(out, format="JPEG", quality=90)
sys.stdout.buffer.write(out.getvalue())
