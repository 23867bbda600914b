"""Augmentation of numpy image batches of shape ``(N, C, H, W)``, one random draw per image.

Transforms are callables ``images -> images`` (new arrays; the input is not changed), meant
for ``DataLoader(..., transform=Compose([...]))``. A random transform given a ``seed`` has its
own generator (the same seed gives the same draws); without one it draws from ``autograd``'s
generator (seeded by ``autograd.manual_seed``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.rng import generator as global_generator

from .dataset import as_numpy


def check_images(name: str, images: Any, floating: bool = False) -> np.ndarray:
    """``images`` as a 4-D ndarray (N, C, H, W), or a ValueError naming the transform."""
    array = as_numpy(images)
    if array.ndim != 4:
        raise ValueError(
            f"{name}: expected a batch of images of shape (N, C, H, W), got shape {array.shape}"
        )
    if floating and not np.issubdtype(array.dtype, np.floating):
        raise TypeError(
            f"{name}: expected floating-point images (e.g. scaled to [0, 1]), got dtype "
            f"{array.dtype}"
        )
    return array


def _pair(name: str, value: int | Sequence[int], what: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or any(isinstance(v, bool) or int(v) != v or v < 0 for v in pair):
        raise ValueError(f"{name}: {what} must be an integer >= 0 or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


class RandomTransform:
    """Base of random transforms: the generator they draw from, and its checkpointable state."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self.generator = None if seed is None else np.random.default_rng(seed)

    @property
    def rng(self) -> np.random.Generator:
        return self.generator if self.generator is not None else global_generator()

    def state_dict(self) -> dict[str, Any]:
        return {} if self.generator is None else {"generator": self.generator.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "generator" in state:
            if self.generator is None:
                self.generator = np.random.default_rng()
            self.generator.bit_generator.state = state["generator"]


class RandomCrop(RandomTransform):
    """Pad every image by ``padding`` pixels of value ``fill`` on each side, then cut out a
    ``size`` window at a random position (per image). ``size``/``padding``: int or (h, w)."""

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] = 0,
                 fill: float = 0.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.size = _pair("RandomCrop", size, "size")
        self.padding = _pair("RandomCrop", padding, "padding")
        self.fill = fill

    def __call__(self, images: Any) -> np.ndarray:
        images = check_images("RandomCrop", images)
        n, c, h, w = images.shape
        (pad_h, pad_w), (out_h, out_w) = self.padding, self.size
        if out_h > h + 2 * pad_h or out_w > w + 2 * pad_w or 0 in (out_h, out_w):
            raise ValueError(
                f"RandomCrop: cannot cut a {out_h}x{out_w} window out of {h}x{w} images padded "
                f"by ({pad_h}, {pad_w})"
            )
        padded = np.pad(images, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)),
                        constant_values=self.fill)
        top = self.rng.integers(0, h + 2 * pad_h - out_h + 1, size=n)
        left = self.rng.integers(0, w + 2 * pad_w - out_w + 1, size=n)
        rows = top[:, None] + np.arange(out_h)            # (N, out_h)
        cols = left[:, None] + np.arange(out_w)           # (N, out_w)
        return padded[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                      rows[:, None, :, None], cols[:, None, None, :]]

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding}, seed={self.seed})"


class RandomHorizontalFlip(RandomTransform):
    """Mirror each image left-right with probability ``p``."""

    def __init__(self, p: float = 0.5, seed: int | None = None) -> None:
        super().__init__(seed)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p!r}")
        self.p = float(p)

    def __call__(self, images: Any) -> np.ndarray:
        images = check_images("RandomHorizontalFlip", images)
        flip = self.rng.random(len(images)) < self.p
        return np.where(flip[:, None, None, None], images[..., ::-1], images)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p}, seed={self.seed})"


class RandomBrightnessContrast(RandomTransform):
    """Per image: multiply by a brightness factor ``b`` drawn from ``[1 - brightness,
    1 + brightness]``, then scale the distance from the image's mean by a contrast factor ``c``
    from ``[1 - contrast, 1 + contrast]``: ``out = m + (b x - m) c = c b x + (1 - c) m`` with
    ``m = mean(b x)``;
    finally clip to ``clip`` (``None``: no clipping). Floating-point images only."""

    def __init__(self, brightness: float = 0.2, contrast: float = 0.2,
                 clip: tuple[float, float] | None = (0.0, 1.0), seed: int | None = None) -> None:
        super().__init__(seed)
        for label, value in (("brightness", brightness), ("contrast", contrast)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"RandomBrightnessContrast: {label} must be in [0, 1], got {value!r}"
                )
        self.brightness, self.contrast, self.clip = float(brightness), float(contrast), clip

    def __call__(self, images: Any) -> np.ndarray:
        images = check_images("RandomBrightnessContrast", images, floating=True)
        n = len(images)
        b = self.rng.uniform(1.0 - self.brightness, 1.0 + self.brightness, size=(n, 1, 1, 1))
        c = self.rng.uniform(1.0 - self.contrast, 1.0 + self.contrast, size=(n, 1, 1, 1))
        bright = images * b.astype(images.dtype)
        mean = bright.mean(axis=(1, 2, 3), keepdims=True)
        c = c.astype(images.dtype)
        out = bright * c + mean * (1 - c)
        if self.clip is not None:
            out = np.clip(out, self.clip[0], self.clip[1])
        return out.astype(images.dtype, copy=False)

    def __repr__(self) -> str:
        return (f"RandomBrightnessContrast(brightness={self.brightness}, "
                f"contrast={self.contrast}, clip={self.clip}, seed={self.seed})")


class Normalize:
    """``(x - mean[c]) / std[c]`` for every channel ``c`` (scalars apply to all channels).
    Use ``channel_stats(train_images)`` to get the training set's mean and std."""

    def __init__(self, mean: float | Sequence[float], std: float | Sequence[float]) -> None:
        self.mean = np.asarray(mean, dtype=np.float64).reshape(-1)
        self.std = np.asarray(std, dtype=np.float64).reshape(-1)
        if not np.all(self.std > 0):
            raise ValueError(f"Normalize: std must be > 0, got {std!r}")

    def __call__(self, images: Any) -> np.ndarray:
        images = check_images("Normalize", images, floating=True)
        channels = images.shape[1]
        for label, values in (("mean", self.mean), ("std", self.std)):
            if values.size not in (1, channels):
                raise ValueError(
                    f"Normalize: {values.size} {label} values for images with {channels} "
                    f"channels (shape {images.shape}); give one value or one per channel"
                )
        mean = self.mean.astype(images.dtype).reshape(1, -1, 1, 1)
        std = self.std.astype(images.dtype).reshape(1, -1, 1, 1)
        return (images - mean) / std

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


def channel_stats(images: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of a batch ``(N, C, H, W)`` (for Normalize)."""
    images = check_images("channel_stats", images, floating=True)
    return images.mean(axis=(0, 2, 3)), images.std(axis=(0, 2, 3))


class Compose:
    """Apply transforms one after another: ``Compose([RandomCrop(8, 1), Normalize(m, s)])``."""

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f"Compose: every transform must be callable, got {t!r}")

    def __call__(self, images: Any) -> np.ndarray:
        for transform in self.transforms:
            images = transform(images)
        return images

    def state_dict(self) -> dict[str, Any]:
        return {str(i): t.state_dict() for i, t in enumerate(self.transforms)
                if hasattr(t, "state_dict")}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for i, t in enumerate(self.transforms):
            if str(i) in state and hasattr(t, "load_state_dict"):
                t.load_state_dict(state[str(i)])

    def __repr__(self) -> str:
        return "Compose([" + ", ".join(repr(t) for t in self.transforms) + "])"
