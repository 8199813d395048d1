"""Playground network: forward values, losses, gradients against finite differences, the update."""

import numpy as np
import pytest

from nnlab.playground.activations import HIDDEN_ACTIVATIONS, tanh_wide
from nnlab.playground.network import REGULARIZATIONS, Network, penalty, penalty_slope
from nnlab.playground.update import GradientSum, apply_update, train_epoch

OUTPUTS = {"tanh": 1, "linear": 1, "sigmoid": 1, "softmax": 3}  # output activation -> units


def make_net(activation, output, seed=0, sizes=(3, 5, 4)):
    """A net whose weights are all at least 0.1 from 0 (L1 has a kink there)."""
    rng = np.random.default_rng(seed)
    layers = [*sizes, OUTPUTS[output]]
    weights = [rng.choice([-1, 1], (a, b)) * rng.uniform(0.1, 0.9, (a, b)) for a, b in zip(layers, layers[1:])]
    biases = [rng.uniform(-0.5, 0.5, b) for b in layers[1:]]
    return Network(layers, activation, output, weights, biases)


def batch(net, seed=1, n=16):
    """Inputs and targets for `net`, with ReLU pre-activations kept away from the kink at 0."""
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        F = rng.uniform(-2, 2, (n, net.layer_sizes[0]))
        if min((np.abs(z).min() for z in net.forward(F)[0][:-1]), default=1.0) > 1e-3:
            break
    else:
        raise AssertionError("no kink-free batch")
    if net.output == "softmax":
        y = rng.integers(0, net.layer_sizes[-1], n)
    elif net.output == "linear":
        y = rng.uniform(-1, 1, n)
    else:
        y = rng.choice([-1.0, 1.0], n)
    return F, net.targets(y)


def objective(net, F, Q, reg, rate):
    zs, acts = net.forward(F)
    return net.sample_losses(zs, acts, Q).mean() + rate * penalty(net.W, reg)


def finite_differences(net, F, Q, reg, rate, h=1e-6):
    grads = []
    for arr in net.W + net.b:
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + h
            up = objective(net, F, Q, reg, rate)
            arr[idx] = keep - h
            down = objective(net, F, Q, reg, rate)
            arr[idx] = keep
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize("reg", REGULARIZATIONS)
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradients_match_central_differences(activation, output, reg):
    net = make_net(activation, output)
    F, Q = batch(net)
    rate = 0.3
    gW, gb = net.gradients(F, Q, mean=True)
    analytic = [g + rate * penalty_slope(W, reg) for g, W in zip(gW, net.W)] + gb
    numeric = finite_differences(net, F, Q, reg, rate)
    for a, n in zip(analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-8)


def test_summed_gradients_are_batch_times_mean():
    net = make_net("tanh", "tanh")
    F, Q = batch(net)
    mean, total = net.gradients(F, Q, mean=True), net.gradients(F, Q, mean=False)
    for m, t in zip(mean[0] + mean[1], total[0] + total[1]):
        np.testing.assert_allclose(t, m * len(F), rtol=1e-12)


def test_losses_follow_their_definitions():
    F = np.random.default_rng(0).uniform(-2, 2, (6, 3))
    y_pm = np.array([1, -1, 1, 1, -1, -1.0])
    for output in ("tanh", "linear"):
        net = make_net("relu", output)
        o = net.predict(F)[:, 0]
        np.testing.assert_allclose(net.sample_losses(*net.forward(F), net.targets(y_pm)), 0.5 * (o - y_pm) ** 2)
    net = make_net("tanh", "sigmoid")
    p, q = net.predict(F)[:, 0], (y_pm + 1) / 2
    np.testing.assert_allclose(net.sample_losses(*net.forward(F), net.targets(y_pm)),
                               -(q * np.log(p) + (1 - q) * np.log(1 - p)), rtol=1e-12)
    net = make_net("tanh", "softmax")
    y = np.array([0, 1, 2, 2, 1, 0])
    P = net.predict(F)
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-12)
    np.testing.assert_allclose(net.sample_losses(*net.forward(F), net.targets(y)),
                               -np.log(P[np.arange(6), y]), rtol=1e-12)


def test_saturated_cross_entropy_stays_finite():
    net = make_net("linear", "sigmoid")
    net.W[-1] *= 1e4
    F = np.ones((2, 3))
    losses = net.sample_losses(*net.forward(F), net.targets(np.array([1.0, -1.0])))
    assert np.isfinite(losses).all() and losses.max() > 100


def test_forward_shapes_and_activations():
    net = make_net("relu", "softmax", sizes=(2, 3))
    F = np.random.default_rng(0).normal(size=(7, 2))
    zs, acts = net.forward(F)
    assert [a.shape for a in acts] == [(7, 2), (7, 3), (7, 3)] and acts[0] is F
    np.testing.assert_array_equal(acts[1], np.maximum(F @ net.W[0] + net.b[0], 0))
    np.testing.assert_allclose(zs[1], acts[1] @ net.W[1] + net.b[1])


def test_create_initialises_like_the_anchor():
    net = Network.create([7, 8, 4, 1], "tanh", "tanh", np.random.default_rng(3))
    assert [W.shape for W in net.W] == [(7, 8), (8, 4), (4, 1)]
    allw = np.concatenate([W.ravel() for W in net.W])
    assert allw.min() >= -0.5 and allw.max() < 0.5 and allw.std() > 0.2
    assert all((b == 0.1).all() for b in net.b)
    again = Network.create([7, 8, 4, 1], "tanh", "tanh", np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(net.W, again.W))
    zero = Network.create([2, 3, 1], "tanh", "tanh", np.random.default_rng(3), zero=True)
    assert all(not W.any() for W in zero.W + zero.b)


def test_wide_tanh_matches_numpy_and_keeps_specials():
    z = np.concatenate([np.linspace(-40, 40, 100_001), [0.0, -0.0, 1e-300, np.inf, -np.inf, np.nan]])
    ours, ref = tanh_wide(z), np.tanh(z)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=4e-16)
    assert np.array_equal(np.signbit(ours[:-1]), np.signbit(ref[:-1])) and np.isnan(ours[-1])


def test_bad_names_are_rejected():
    with pytest.raises(ValueError, match="activation"):
        Network([2, 1], "mish", "tanh", [np.zeros((2, 1))], [np.zeros(1)])
    with pytest.raises(ValueError, match="output"):
        Network([2, 1], "tanh", "relu", [np.zeros((2, 1))], [np.zeros(1)])


def test_update_takes_mean_gradient_then_regularises_weights_only():
    net = make_net("tanh", "tanh", sizes=(2, 3))
    before = net.copy()
    F, Q = batch(net, n=5)
    grads = GradientSum(net)
    grads.add(net, F, Q)
    gW, gb = before.gradients(F, Q, mean=True)
    apply_update(net, grads, 0.1, "L2", 0.5)
    for l in range(2):
        np.testing.assert_allclose(net.W[l], before.W[l] - 0.1 * gW[l] - 0.1 * 0.5 * before.W[l], rtol=1e-12)
        np.testing.assert_allclose(net.b[l], before.b[l] - 0.1 * gb[l], rtol=1e-12)
    assert grads.count == 0 and not grads.flat.any()


def test_l1_kills_a_weight_that_crosses_zero_and_keeps_it_dead():
    net = Network([1, 1], "tanh", "linear", [np.array([[0.05]])], [np.zeros(1)])
    F, Q = np.zeros((1, 1)), np.zeros((1, 1))  # zero input: no data gradient on the weight
    grads = GradientSum(net)
    grads.add(net, F, Q)
    apply_update(net, grads, 1.0, "L1", 0.1)  # 0.05 - 0.1 crosses 0
    assert net.W[0][0, 0] == 0 and not net.alive[0][0, 0]
    grads.add(net, np.ones((1, 1)), np.full((1, 1), 5.0))  # a strong data gradient now
    apply_update(net, grads, 1.0, "L1", 0.1)
    assert net.W[0][0, 0] == 0 and net.b[0][0] != 0  # frozen weight, bias still learns


def test_train_epoch_carries_a_partial_batch_into_the_next_epoch():
    net = make_net("tanh", "tanh", sizes=(2, 3))
    F, Q = batch(net, n=7)
    grads = GradientSum(net)
    train_epoch(net, F, Q, 3, 0.1, "none", 0, grads)
    assert grads.count == 1  # 7 = 3 + 3 + 1 left over
    ref = net.copy()
    train_epoch(net, F, Q, 3, 0.1, "none", 0, grads)
    # The next epoch's first update averages the leftover sample and the first three.
    first = GradientSum(ref)
    first.add(ref, F[6:], Q[6:])
    first.add(ref, F[:3], Q[:3])
    assert first.count == 4
    apply_update(ref, first, 0.1, "none", 0)
    first.add(ref, F[3:6], Q[3:6])
    apply_update(ref, first, 0.1, "none", 0)
    for a, b in zip(net.W + net.b, ref.W + ref.b):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("sizes", [(3,), (3, 5, 4), (2, 4, 4, 4)])  # no hidden layer; a run of 4 -> 4 layers
@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_compiled_epoch_equals_plain_forward_backward_and_update(activation, output, sizes):
    """EpochPlan (samples as columns, bias folded into the weights) against the plain
    Network.forward/backward and apply_update, over epochs with a carried partial batch.

    Summing in another order rounds differently in the last bits, hence rtol 1e-12.
    """
    net = make_net(activation, output, sizes=sizes)
    F, Q = batch(net, n=10)
    ref = net.copy()
    fast, plain = GradientSum(net), GradientSum(ref)
    for _ in range(3):  # 10 = 4 + 4 + 2 left over, carried into the next epoch's first update
        train_epoch(net, F, Q, 4, 0.1, "none", 0, fast)
        for part in (slice(0, 4), slice(4, 8), slice(8, 10)):
            plain.add(ref, F[part], Q[part])
            if plain.count >= 4 and part.stop < 10:
                apply_update(ref, plain, 0.1, "none", 0)
    assert fast.count == plain.count == 2
    np.testing.assert_allclose(fast.flat, plain.flat, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.params, ref.params, rtol=1e-12, atol=1e-14)
    assert not np.array_equal(net.params, make_net(activation, output, sizes=sizes).params)
