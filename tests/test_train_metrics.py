"""The training page's pure functions: feature transforms, the confusion matrix (against scikit-learn) and the
decision map's colours."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion

import backprop as bp
from backprop import features, metrics
from viz import decision


def test_each_transform_appends_its_column_in_playground_order():
    X = np.array([[0.5, -2.0], [3.0, 0.25]])
    out = features.expand(X, ["sin1", "sq0", "prod", "sq1", "sin0"])  # asked in any order
    x0, x1 = X[:, 0], X[:, 1]
    np.testing.assert_array_equal(out, np.column_stack([x0, x1, x0**2, x1**2, x0 * x1, np.sin(x0), np.sin(x1)]))
    assert features.names(["x0", "x1"], ["sin1", "sq0"]) == ["x0", "x1", "x0²", "sin x1"]


def test_no_transform_leaves_x_as_it_is_and_one_feature_offers_only_its_own():
    X = np.array([[1.0], [2.0]])
    np.testing.assert_array_equal(features.expand(X, []), X)
    assert features.available(1) == ("sq0", "sin0")
    with pytest.raises(bp.InputError, match="x1² needs a feature x1"):
        features.expand(X, ["sq1"])
    with pytest.raises(bp.InputError, match="'cube' is not one of"):
        features.expand(X, ["cube"])


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), st.lists(st.integers(0, 4), min_size=1, max_size=40), st.integers(0, 2**31))
def test_the_confusion_matrix_is_sklearns(k, true, seed):
    true = np.array(true) % k
    predicted = np.random.default_rng(seed).integers(0, k, len(true))
    ours = metrics.confusion_matrix(true, predicted, k)
    np.testing.assert_array_equal(ours, sk_confusion(true, predicted, labels=list(range(k))))
    assert ours.sum() == len(true) and np.trace(ours) == np.sum(true == predicted)


def test_classes_from_softmax_rows_and_from_one_sigmoid():
    a = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    np.testing.assert_array_equal(metrics.predicted_classes(a, "argmax"), [1, 0])
    np.testing.assert_array_equal(metrics.predicted_classes(np.array([0.2, 0.5, 0.9]), "threshold"), [0, 1, 1])
    assert metrics.n_classes(1, "threshold") == 2 and metrics.n_classes(3, "argmax") == 3
    with pytest.raises(ValueError):
        metrics.predicted_classes(a, "")


def test_the_map_takes_the_top_class_colour_strongest_when_sure_and_faint_when_unsure():
    white = "#ffffff"
    sure = decision.map_rgb(np.array([[0.0, 1.0, 0.0]]), white)[0]
    np.testing.assert_allclose(sure, 255 + (decision.rgb(decision.PALETTE[1]) - 255) * decision.CEIL, atol=0.51)
    unsure = decision.map_rgb(np.array([[1 / 3, 1 / 3 + 1e-9, 1 / 3 - 1e-9]]), white)[0]
    expected = 255 + (decision.rgb(decision.PALETTE[1]) - 255) * decision.FLOOR
    np.testing.assert_allclose(unsure, expected, atol=0.51)
    half = decision.map_rgb(np.array([[0.0, 2 / 3, 1 / 3]]), white)[0]  # halfway from 1/3 to 1
    between = 255 + (decision.rgb(decision.PALETTE[1]) - 255) * (decision.FLOOR + (decision.CEIL - decision.FLOOR) / 2)
    np.testing.assert_allclose(half, between, atol=0.51)


def test_the_map_mixes_with_the_themes_background_and_reads_one_sigmoid_as_two_classes():
    dark = "#0e1117"
    probs = decision.class_probabilities(np.array([0.9, 0.1, 0.5]), "threshold")
    np.testing.assert_allclose(probs, [[0.1, 0.9], [0.9, 0.1], [0.5, 0.5]])
    out = decision.map_rgb(probs, dark)
    s = decision.FLOOR + (decision.CEIL - decision.FLOOR) * 0.8
    back, one = decision.rgb(dark), decision.rgb(decision.PALETTE[1])
    np.testing.assert_allclose(out[0], back + (one - back) * s, atol=0.51)
    assert tuple(out[1]) != tuple(out[0])  # class 0's colour, not class 1's
    assert len(set(decision.PALETTE)) == len(decision.PALETTE) == bp.MAX_OUTPUTS
