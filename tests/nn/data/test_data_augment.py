"""Augmentation of image batches: shapes, what each transform does, determinism with a seed."""

import numpy as np
import pytest

import autograd as ag
from nn.data import (
    Compose,
    Normalize,
    RandomBrightnessContrast,
    RandomCrop,
    RandomHorizontalFlip,
    channel_stats,
)


@pytest.fixture
def images():
    return np.random.default_rng(0).random((16, 3, 6, 5)).astype(np.float32)


def find_window(padded, window):
    """All (top, left) positions where ``window`` occurs in ``padded`` (C, H, W)."""
    _, h, w = window.shape
    return [(top, left) for top in range(padded.shape[1] - h + 1)
            for left in range(padded.shape[2] - w + 1)
            if np.array_equal(padded[:, top:top + h, left:left + w], window)]


def test_random_crop_cuts_windows_of_the_padded_images(images):
    out = RandomCrop((6, 5), padding=2, seed=0)(images)
    assert out.shape == images.shape and out.dtype == images.dtype
    padded = np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2)))
    positions = [find_window(padded[i], out[i]) for i in range(len(images))]
    assert all(len(p) == 1 for p in positions)       # every output is one window of its input
    assert len({p[0] for p in positions}) > 1        # drawn per image, not once per batch


def test_random_crop_to_a_smaller_size_without_padding(images):
    out = RandomCrop(3, seed=1)(images)
    assert out.shape == (16, 3, 3, 3)
    assert all(find_window(images[i], out[i]) for i in range(len(images)))


def test_random_crop_fill_value_and_errors(images):
    out = RandomCrop(6, padding=(0, 4), fill=-1.0, seed=2)(images[:, :, :, :2])
    assert out.shape == (16, 3, 6, 6)
    assert np.all(out.min(axis=(1, 2, 3)) == -1.0)      # 2 columns of data, 6 wide: fill shows
    with pytest.raises(ValueError, match=r"cannot cut a 9x9 window out of 6x5 images"):
        RandomCrop(9, padding=1)(images)
    with pytest.raises(ValueError, match="padding must be an integer >= 0"):
        RandomCrop(3, padding=-1)


def test_horizontal_flip(images):
    flipped = RandomHorizontalFlip(p=1.0)(images)
    np.testing.assert_array_equal(flipped, images[..., ::-1])
    np.testing.assert_array_equal(RandomHorizontalFlip(p=0.0)(images), images)
    out = RandomHorizontalFlip(p=0.5, seed=0)(images)
    was_flipped = [np.array_equal(o, i[..., ::-1]) for o, i in zip(out, images)]
    kept = [np.array_equal(o, i) for o, i in zip(out, images)]
    assert all(f != k for f, k in zip(was_flipped, kept))
    assert 0 < sum(was_flipped) < len(images)


def test_brightness_contrast_identity_and_mean(images):
    same = RandomBrightnessContrast(brightness=0.0, contrast=0.0)(images)
    np.testing.assert_array_equal(same, images)
    contrast_only = RandomBrightnessContrast(brightness=0.0, contrast=0.5, clip=None, seed=3)
    out = contrast_only(images)
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), images.mean(axis=(1, 2, 3)), rtol=1e-5)
    assert not np.allclose(out, images)


def test_brightness_scales_each_image_by_one_factor_in_range(images):
    out = RandomBrightnessContrast(brightness=0.3, contrast=0.0, clip=None, seed=4)(images)
    factors = out / images
    per_image = factors.reshape(len(images), -1)
    np.testing.assert_allclose(per_image, per_image[:, :1] * np.ones_like(per_image), rtol=1e-5)
    assert np.all((per_image[:, 0] >= 0.7 - 1e-6) & (per_image[:, 0] <= 1.3 + 1e-6))


def test_brightness_contrast_clips(images):
    out = RandomBrightnessContrast(brightness=1.0, contrast=1.0, seed=5)(images * 2 - 0.5)
    assert out.min() >= 0.0 and out.max() <= 1.0
    with pytest.raises(TypeError, match="floating-point images"):
        RandomBrightnessContrast()(np.zeros((1, 1, 2, 2), dtype=np.uint8))


def test_normalize_per_channel(images):
    mean, std = channel_stats(images)
    assert mean.shape == (3,) and std.shape == (3,)
    out = Normalize(mean, std)(images)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1.0, rtol=1e-4)
    np.testing.assert_allclose(Normalize(0.5, 0.25)(images), (images - 0.5) / 0.25, rtol=1e-6)
    with pytest.raises(ValueError, match="2 mean values for images with 3 channels"):
        Normalize([0.1, 0.2], [1.0, 1.0])(images)
    with pytest.raises(ValueError, match="std must be > 0"):
        Normalize(0.0, 0.0)


def test_transforms_need_nchw_batches():
    with pytest.raises(ValueError, match=r"RandomCrop: expected a batch of images of shape "
                                         r"\(N, C, H, W\), got shape \(8, 8\)"):
        RandomCrop(4)(np.zeros((8, 8)))


def pipeline(seed):
    return Compose([
        RandomCrop(6, padding=1, seed=seed),
        RandomHorizontalFlip(seed=None if seed is None else seed + 1),
        RandomBrightnessContrast(seed=None if seed is None else seed + 2),
    ])


def test_same_seed_same_output_different_seed_different_output():
    batch = np.random.default_rng(1).random((8, 1, 6, 6)).astype(np.float32)
    a, b, c = pipeline(7)(batch), pipeline(7)(batch), pipeline(8)(batch)
    assert a.shape == batch.shape
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unseeded_transforms_follow_manual_seed():
    batch = np.random.default_rng(1).random((8, 1, 6, 6)).astype(np.float32)
    ag.manual_seed(11)
    a = pipeline(None)(batch)
    ag.manual_seed(11)
    np.testing.assert_array_equal(pipeline(None)(batch), a)


def test_compose_state_dict_resumes_the_random_sequence():
    batch = np.random.default_rng(1).random((8, 1, 6, 6)).astype(np.float32)
    straight = pipeline(3)
    straight(batch)
    state = straight.state_dict()
    expected = straight(batch)
    resumed = pipeline(3)
    resumed.load_state_dict(state)
    np.testing.assert_array_equal(resumed(batch), expected)


def test_input_is_not_modified(images):
    before = images.copy()
    pipeline(0)(images)
    Normalize(0.5, 0.5)(images)
    np.testing.assert_array_equal(images, before)
