"""The hand-worked net every test file shares: small enough that each number is exact.

n_x = 2, n_h = 1, n_y = 1, m = 2, ReLU hidden; sigmoid(0) = 1/2 and sigmoid(ln 3) = 3/4.

    X  = [[1, 2],      W1 = [[1, -1]]   b1 = [[0]]     W2 = [[ln 3]]   b2 = [[0]]
          [3, 1]]      Y  = [[1, 0]]

    Z1 = W1 X + b1 = [[1*1 - 1*3, 1*2 - 1*1]] = [[-2, 1]]
    A1 = relu(Z1)  = [[0, 1]]
    Z2 = W2 A1 + b2 = [[0, ln 3]]
    A2 = sigmoid(Z2) = [[1/2, 3/4]]
    J  = -(1/2) [1*log(1/2) + (1-0)*log(1 - 3/4)] = -(1/2) log(1/8) = (3/2) ln 2

Backward (the split):
    dA2 = -(Y/A2 - (1-Y)/(1-A2)) = [[-(1/(1/2)), (1/(1/4))]] = [[-2, 4]]
    dZ2 = dA2 * A2 (1 - A2) = [[-2 * 1/4, 4 * 3/16]] = [[-1/2, 3/4]]   (= A2 - Y)
    dW2 = (1/2) dZ2 A1.T = (1/2)(-1/2 * 0 + 3/4 * 1) = 3/8
    db2 = (1/2)(-1/2 + 3/4) = 1/8
    dA1 = W2.T dZ2 = [[-ln3 / 2, 3 ln3 / 4]]
    dZ1 = dA1 * (Z1 > 0) = [[0, 3 ln3 / 4]]
    dW1 = (1/2) dZ1 X.T = (1/2) [[0*1 + (3ln3/4)*2, 0*3 + (3ln3/4)*1]] = [[3 ln3 / 4, 3 ln3 / 8]]
    db1 = (1/2)(0 + 3 ln3 / 4) = 3 ln3 / 8
    dA0 = W1.T dZ1 = [[1], [-1]] [[0, 3 ln3 / 4]] = [[0, 3 ln3 / 4], [0, -3 ln3 / 4]]
"""

from __future__ import annotations

import math

import numpy as np

LN2, LN3 = math.log(2), math.log(3)

# Every value above, forward and backward, keyed as the course names it.
HAND = {
    "Z1": [[-2.0, 1.0]],
    "A1": [[0.0, 1.0]],
    "Z2": [[0.0, LN3]],
    "A2": [[0.5, 0.75]],
    "dA2": [[-2.0, 4.0]],
    "dZ2": [[-0.5, 0.75]],
    "dW2": [[3 / 8]],
    "db2": [[1 / 8]],
    "dA1": [[-LN3 / 2, 3 * LN3 / 4]],
    "dZ1": [[0.0, 3 * LN3 / 4]],
    "dW1": [[3 * LN3 / 4, 3 * LN3 / 8]],
    "db1": [[3 * LN3 / 8]],
    "dA0": [[0.0, 3 * LN3 / 4], [0.0, -3 * LN3 / 4]],
}
HAND_COST = 1.5 * LN2


def hand_net():
    """``X, Y, parameters`` of the hand-worked net (new arrays on every call)."""
    X = np.array([[1.0, 2.0], [3.0, 1.0]])
    Y = np.array([[1.0, 0.0]])
    parameters = {
        "W1": np.array([[1.0, -1.0]]),
        "b1": np.array([[0.0]]),
        "W2": np.array([[LN3]]),
        "b2": np.array([[0.0]]),
    }
    return X, Y, parameters


def close(actual, expected, tol=1e-14):
    """``actual`` has ``expected``'s shape and values, to ``tol``."""
    actual = np.asarray(actual)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)
