"""The vectorised pre-activation expressions of the MILP encoder equal the term-by-term
ones wherever each input is one variable of its own."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reluhard.solvers.milp.encode import (
    _affine_general,
    _affine_in_variables,
    _one_variable_each,
)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(0, 2**31 - 1),
    st.floats(0.0, 1.0),
)
def test_vectorised_affine_is_the_term_by_term_one(m, n, seed, density):
    rng = np.random.default_rng(seed)
    W = sp.random_array((m, n), density=density, rng=rng, format="csr")
    W.data = rng.integers(-3, 4, W.data.size).astype(float)  # explicit zeros kept
    b = rng.integers(-3, 4, m).astype(float)
    inputs = [
        None
        if rng.random() < 0.2
        else ([object()], [float(rng.choice([1, 2, 0.5]))], float(rng.integers(-2, 3)))
        for _ in range(n)
    ]
    single = _one_variable_each(inputs)
    assert single is not None
    got = list(_affine_in_variables(W, b, *single))
    want = list(_affine_general(W, b, inputs))
    assert [(list(map(id, v)), c, k) for v, c, k in got] == [
        (list(map(id, v)), c, k) for v, c, k in want
    ]


def test_shared_or_compound_inputs_take_the_general_path():
    v = object()
    assert _one_variable_each([([v], [1.0], 0.0), ([v], [2.0], 0.0)]) is None
    assert _one_variable_each([([v, object()], [1.0, 1.0], 0.0)]) is None
