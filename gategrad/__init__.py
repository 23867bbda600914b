"""The gategrad command-line app (the one place that may import autograd, nn and optim)."""

import os

# The app's matrices are small: one BLAS thread is fastest, and on a busy machine more threads
# only spin (measured 10-20x slower training under load). Set before numpy is first imported;
# a value the user exported wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
