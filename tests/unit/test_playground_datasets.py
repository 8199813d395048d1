"""Playground datasets: the anchor's formulas, the split, uploaded points, features."""

import numpy as np
import pytest

from nnlab.playground.datasets import (DATASETS, MAX_POINTS, blobs, circle, encode_labels, gauss,
                                       parse_points_csv, reg_gauss, reg_plane, spiral, spiral3, split,
                                       xor)
from nnlab.playground.features import FEATURE_FUNCTIONS, inputs


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_has_its_size_kind_and_is_seeded(name):
    ds = DATASETS[name]
    X, y = ds.fn(ds.n_points, 0.3, rng(5))
    assert X.shape == (ds.n_points, 2) and X.dtype == np.float64 and y.shape == (ds.n_points,)
    if name not in ("gauss", "blobs"):  # gaussian tails leave the plane, as in the anchor
        assert np.abs(X).max() < 6.5
    X2, y2 = ds.fn(ds.n_points, 0.3, rng(5))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, ds.fn(ds.n_points, 0.3, rng(6))[0])
    if ds.problem == "classification":
        assert ds.n_points == 500 and set(np.unique(y)) <= {-1.0, 1.0}
    elif ds.problem == "regression":
        assert ds.n_points == 1200 and y.dtype == np.float64
    else:
        assert y.dtype.kind == "i" and set(np.unique(y)) == set(range(ds.n_classes)) and ds.n_classes >= 3


def test_registry_names_match_the_anchor():
    assert {"circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss"} <= set(DATASETS)
    assert sum(d.problem == "multiclass" for d in DATASETS.values()) >= 2


def test_circle_without_noise_is_half_inside_radius_2_5():
    X, y = circle(500, 0.0, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert (r[:250] < 2.5).all() and ((r[250:] >= 3.5) & (r[250:] <= 5)).all()
    np.testing.assert_array_equal(y, np.repeat([1.0, -1.0], 250))


def test_circle_noise_flips_labels_but_does_not_move_points():
    X0, y0 = circle(500, 0.0, rng(1))
    X, y = circle(500, 0.5, rng(1))
    np.testing.assert_array_equal(X, X0)  # same draws for the points, noise only drawn after
    r = np.hypot(X[:, 0], X[:, 1])
    flipped = y != np.where(r < 2.5, 1.0, -1.0)
    assert 0 < flipped.mean() < 0.5


def test_xor_is_padded_away_from_the_axes_and_labelled_by_sign():
    X, y = xor(500, 0.0, rng())
    assert (np.abs(X) >= 0.3).all() and (np.abs(X) <= 5.3).all()
    np.testing.assert_array_equal(y, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0))
    assert abs((y > 0).mean() - 0.5) < 0.1


def test_gauss_centres_and_variance_follow_noise():
    for noise, variance in ((0.0, 0.5), (0.5, 4.0)):
        X, y = gauss(20000, noise, rng())
        pos, neg = X[y > 0], X[y < 0]
        assert len(pos) == len(neg) == 10000
        np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.1)
        np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.1)
        np.testing.assert_allclose(pos.var(axis=0), [variance] * 2, rtol=0.05)


def test_spiral_geometry_without_noise():
    X, y = spiral(500, 0.0, rng())
    i = np.arange(250)
    r, t = i / 250 * 5, 1.75 * i / 250 * 2 * np.pi
    np.testing.assert_allclose(X[:250], np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)
    np.testing.assert_allclose(X[250:], -X[:250], atol=1e-12)  # second arm: t + pi
    np.testing.assert_array_equal(y, np.repeat([1.0, -1.0], 250))
    Xn, _ = spiral(500, 0.5, rng())
    assert 0 < np.abs(Xn - X).max() <= 0.5


def test_reg_plane_label_formula():
    X, y = reg_plane(1200, 0.0, rng())
    assert (np.abs(X) <= 6).all()
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10, rtol=0, atol=1e-15)
    Xn, yn = reg_plane(1200, 0.5, rng())
    assert 0 < np.abs(yn - (Xn[:, 0] + Xn[:, 1]) / 10).max() <= 0.6 + 1e-12


def test_reg_gauss_matches_a_direct_transcription():
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    X, y = reg_gauss(300, 0.0, rng(3))
    for (px, py), label in zip(X, y):
        best = 0.0
        for cx, cy, sign in bumps:
            value = sign * min(max(1 - np.hypot(px - cx, py - cy) / 2, 0), 1)
            if abs(value) > abs(best):
                best = value
        assert label == pytest.approx(best, abs=1e-15)
    assert np.abs(y).max() <= 1 and (y > 0.5).any() and (y < -0.5).any()


@pytest.mark.parametrize("fn", [blobs, spiral3])
def test_multiclass_sets_are_balanced_integer_classes(fn):
    X, y = fn(600, 0.1, rng())
    # int64 in both runtimes; counted with np.unique, as np.bincount refuses int64 where intp is int32
    assert y.dtype == np.int64 and np.unique(y, return_counts=True)[1].tolist() == [200, 200, 200]
    X, y = fn(601, 0.1, rng())
    assert len(X) == 601 and np.unique(y, return_counts=True)[1].tolist() == [201, 200, 200]


def test_split_is_a_seeded_shuffle_with_floor_train_size():
    X = np.arange(14, dtype=float).reshape(7, 2)
    y = np.arange(7, dtype=float)
    Xtr, ytr, Xte, yte = split(X, y, 30, rng(2))
    assert len(Xtr) == 2 and len(Xte) == 5  # floor(7 * 0.3)
    assert sorted(np.concatenate([ytr, yte])) == list(y)
    np.testing.assert_array_equal(Xtr[:, 0] / 2, ytr)  # rows stay paired with their labels
    again = split(X, y, 30, rng(2))
    np.testing.assert_array_equal(again[1], ytr)
    assert len(split(np.zeros((500, 2)), np.zeros(500), 50, rng())[0]) == 250


def test_parse_points_keeps_good_rows_and_reports_bad_lines():
    text = "\n".join([
        "x,y,label",        # 1: header, skipped silently
        "1.5, -2, 1",       # 2 ok
        "0,0",              # 3: two columns
        "a,1,0",            # 4: not a number
        "",                 # 5: blank
        "nan,1,0",          # 6: NaN
        "1,inf,1",          # 7: inf
        "7,0,1",            # 8: outside [-6, 6]
        "-3;4;0",           # 9 ok (semicolons)
        "# comment",        # 10
        "2\t2\t1",          # 11 ok (tabs)
    ])
    X, y, errors, problem = parse_points_csv(text)
    np.testing.assert_array_equal(X, [[1.5, -2], [-3, 4], [2, 2]])
    np.testing.assert_array_equal(y, [1.0, -1.0, 1.0])  # 0/1 -> -1/+1
    assert problem == "classification"
    assert [n for n, _ in errors] == [3, 4, 6, 7, 8]
    assert "3 values" in errors[0][1] and "not a number" in errors[1][1] and "outside" in errors[4][1]


def test_parse_points_label_kinds():
    _, y, _, problem = parse_points_csv("0 0 -1\n1 1 1\n2 2 -1")
    assert problem == "classification" and y.tolist() == [-1, 1, -1]
    _, y, _, problem = parse_points_csv("0,0,2\n1,1,5\n2,2,9\n3,3,5")
    assert problem == "multiclass" and y.tolist() == [0, 1, 2, 1]
    _, y, _, problem = parse_points_csv("0,0,0.25\n1,1,-0.5\n2,2,0.75")
    assert problem == "regression" and y.tolist() == [0.25, -0.5, 0.75]


def test_parse_points_without_good_rows_raises_and_caps_size():
    with pytest.raises(ValueError, match="no valid points.*line 1"):
        parse_points_csv("1,2\n")
    with pytest.raises(ValueError, match="no valid points"):
        parse_points_csv("")
    many = "\n".join(f"0,0,{i % 2}" for i in range(MAX_POINTS + 3))
    X, _, errors, _ = parse_points_csv(many)
    assert len(X) == MAX_POINTS and errors == [(MAX_POINTS + 1, errors[0][1])] and "more than" in errors[0][1]


def test_encode_labels_rejects_what_does_not_fit():
    with pytest.raises(ValueError, match="exactly two"):
        encode_labels([1, 1, 1], "classification")
    with pytest.raises(ValueError, match="integer"):
        encode_labels([0.5, 1, 2], "multiclass")


def test_features_follow_the_anchor_definitions():
    X = rng().uniform(-6, 6, (50, 2))
    x, y = X[:, 0], X[:, 1]
    expected = {"x": x, "y": y, "xSquared": x * x, "ySquared": y * y, "xTimesY": x * y,
                "sinX": np.sin(x), "sinY": np.sin(y)}
    assert list(FEATURE_FUNCTIONS) == list(expected)
    F = inputs(X, ["sinY", "x", "xTimesY"])
    assert F.shape == (50, 3) and F.dtype == np.float64
    np.testing.assert_array_equal(F, np.column_stack([expected["sinY"], x, x * y]))
    for name, fn in FEATURE_FUNCTIONS.items():
        np.testing.assert_array_equal(fn(X), expected[name])
    with pytest.raises(ValueError, match="unknown feature 'cosX'"):
        inputs(X, ["cosX"])
