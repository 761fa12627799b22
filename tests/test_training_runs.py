"""The training page's runs without the browser: a 3-class softmax + cross-entropy network and a 2-output MSE
network trained through ui.training.results, their confusion matrices and losses against torch and scikit-learn,
and what the component is sent."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import confusion_matrix

import backprop as bp
from ui import training, training_chart


def _forward(params: dict, X: np.ndarray, out: str) -> torch.Tensor:
    """The network's output by torch: tanh hidden layers, then identity or softmax."""
    a = torch.tensor(X)
    L = len(params) // 2
    for l in range(1, L + 1):
        a = a @ torch.tensor(params[f"W{l}"]) + torch.tensor(params[f"b{l}"])
        if l < L:
            a = torch.tanh(a)
    return torch.softmax(a, dim=1) if out == "softmax" else a


def _settings(**changes) -> training.Settings:
    run = training.RunSettings("adam", 0.05, 8, None, 0.0)
    base = {"runs": (run,), "epochs": 40, "target": None, "test_fraction": 0.25, "seed": 1, "transforms": ()}
    return training.Settings(**{**base, **changes})


def test_a_three_class_softmax_network_gets_sklearns_confusion_matrices():
    X, labels = bp.datasets.spiral(n=60, classes=3, noise=0.1, seed=0)
    net = bp.Network(inputs=2, hidden=[(8, "tanh")], output="softmax", outputs=3, loss="ce")
    y = net.check_data(X, labels)[1]
    result = training.results(net, X, y, net.init(seed=0), _settings(), ["x0", "x1"])
    (run,) = result.runs
    assert result.classes == 3 and len(result.X_test) == 15 and run.confusion_train.shape == (41, 3, 3)
    final = run.trajectory.at(int(run.trajectory.epoch_steps[-1]))
    for X_part, y_part, cm in ((result.X_train, result.y_train, run.confusion_train[-1]),
                               (result.X_test, result.y_test, run.confusion_test[-1])):
        predicted = _forward(final, X_part, "softmax").argmax(dim=1).numpy()
        np.testing.assert_array_equal(cm, confusion_matrix(y_part.argmax(axis=1), predicted, labels=[0, 1, 2]))
    assert np.trace(run.confusion_train[-1]) / 45 == pytest.approx(run.trajectory.train_accuracy[-1])
    data = training_chart.payload(result, 4, training.unit_names(result.network))
    assert data["classes"] == 3 and len(data["palette"]) == 3 and data["units"][-1] == ["ŷ[0]", "ŷ[1]", "ŷ[2]"]
    assert sorted({p[2] for p in data["train"] + data["test"]}) == [0, 1, 2] and len(data["train"]) == 45


def test_a_two_output_mse_network_trains_with_its_test_loss_as_torch_computes_it():
    X, Y = bp.datasets.sincos(n=40, noise=0.05, seed=0)
    net = bp.Network(inputs=1, hidden=[(8, "tanh")], output="identity", outputs=2, loss="mse")
    s = _settings(runs=(training.RunSettings("sgd", 0.1, None, "l2", 0.01), training.RunSettings("adam", 0.05, 1,
                                                                                                  None, 0.0)))
    result = training.results(net, X, Y, net.init(seed=0), s, ["x0"])
    assert result.classes == 0 and all(r.confusion_train is None for r in result.runs)
    for run in result.runs:
        t = run.trajectory
        final = t.at(int(t.epoch_steps[-1]))
        mse = torch.mean((_forward(final, result.X_test, "identity") - torch.tensor(result.y_test)) ** 2).item()
        assert t.test_loss[-1] == pytest.approx(mse, rel=1e-12)
    data = training_chart.payload(result, 4, training.unit_names(result.network))
    assert data["plane"] is None and data["train"] == [] and data["units"][-1] == ["ŷ[0]", "ŷ[1]"]
    assert [r["full"] for r in data["runs"]] == [True, False] and len(data["runs"][1]["batchLoss"]) == 40 * 30


def test_a_batch_above_the_training_samples_is_named():
    X, Y = bp.datasets.sincos(n=40, seed=0)
    net = bp.Network(inputs=1, hidden=[(4, "tanh")], output="identity", outputs=2, loss="mse")
    s = _settings(runs=(training.RunSettings("sgd", 0.1, 31, None, 0.0),))
    with pytest.raises(bp.InputError, match="Batch size: 31 is above N = 30"):
        training.results(net, X, Y, net.init(seed=0), s, ["x0"])


def test_the_component_sets_no_markup_and_its_payload_is_plain_json():
    import json
    from pathlib import Path

    js = "\n".join(f.read_text() for f in (Path(training_chart.HERE)).glob("*.js"))
    assert js.count("export default") == 1 and training_chart.COMPONENT
    assert "innerHTML" not in js and "eval(" not in js and "new Function" not in js
    X, labels = bp.datasets.spiral(n=30, classes=3, seed=0)
    net = bp.Network(inputs=2, hidden=[(3, "relu")], output="softmax", outputs=3, loss="ce")
    result = training.results(net, X, net.check_data(X, labels)[1], net.init(seed=0), _settings(epochs=5), ["x0", "x1"])
    data = training_chart.payload(result, 4, training.unit_names(result.network))
    assert json.loads(json.dumps(data, allow_nan=False)) == data  # plain lists and numbers, no NaN
