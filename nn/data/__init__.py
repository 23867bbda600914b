"""Data for training: datasets, loaders, splits, augmentation; generated and real digits.

Nothing here downloads: generated data (``make_spirals``, ``make_moons``, ``make_blobs``), the
digits shipped inside scikit-learn (``load_digits``, optional extra ``data``), and IDX files the
user already has (``load_mnist``, ``read_idx``).
"""

from . import augment
from .augment import (
    Compose,
    Normalize,
    RandomBrightnessContrast,
    RandomCrop,
    RandomHorizontalFlip,
    channel_stats,
)
from .dataset import Dataset, Subset, TensorDataset
from .datasets import make_blobs, make_moons, make_spirals
from .digits import load_digits
from .loader import DataLoader
from .mnist import IdxFormatError, load_mnist, read_idx
from .optional import MissingDependencyError
from .split import random_split, train_val_test_split

__all__ = [
    "Compose", "DataLoader", "Dataset", "IdxFormatError", "MissingDependencyError", "Normalize",
    "RandomBrightnessContrast", "RandomCrop", "RandomHorizontalFlip", "Subset", "TensorDataset",
    "augment", "channel_stats", "load_digits", "load_mnist", "make_blobs", "make_moons",
    "make_spirals", "random_split", "read_idx", "train_val_test_split",
]
