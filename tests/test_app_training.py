"""AppTest: the training page — settings, the runs it trains, the numbers it sends the browser, bad settings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import load_preset, open_app

import backprop as bp


def sent(at) -> dict:
    """What the page sends its training component (an element AppTest does not know: read its proto)."""
    found = [e for e in at.get("bidi_component") if e.proto.component_name == "backprop_explorer.training"]
    assert len(found) == 1, found
    return json.loads(found[0].proto.json)


def summary(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("- **"))


@pytest.fixture(scope="module")
def moons():
    at = load_preset(open_app("training"), "moons")
    assert not at.exception and not at.error
    return at


def test_the_page_trains_one_neuron_full_batch_by_default():
    at = open_app("training")
    assert not at.exception and not at.error
    data = sent(at)
    (run,) = data["runs"]
    assert run["full"] and run["perEpoch"]["epoch"][-1] == 100 and len(run["frames"]) == 101
    assert data["classes"] == 0 and run["confusionTrain"] is None  # a regression: no classes
    assert "after 100 epochs (step 100)" in summary(at)


def test_a_classifier_sends_its_confusion_matrices_and_points(moons):
    data = sent(moons)
    (run,) = data["runs"]
    assert data["classes"] == 2 and len(data["train"]) == 60 and data["test"] == []
    first, last = np.array(run["confusionTrain"][0]), np.array(run["confusionTrain"][-1])
    assert first.shape == (2, 2) and first.sum() == last.sum() == 60
    accuracy = run["perEpoch"]["trainAcc"][-1]
    assert np.trace(last) / 60 == pytest.approx(accuracy)  # the matrix and the engine's accuracy agree
    assert f"train accuracy {accuracy:.1%}" in summary(moons)
    assert [len(u) for u in data["units"]] == [4, 1] and data["plane"] is not None


def test_mini_batches_take_more_steps_and_send_each_steps_batch_loss(moons):
    at = moons.toggle(key="train_full").set_value(False).run()
    at = at.number_input(key="train_batch").set_value(6).run()
    assert not at.error
    (run,) = sent(at)["runs"]
    assert not run["full"] and run["perEpoch"]["step"][-1] == 100 * 10 and len(run["batchLoss"]) == 1000
    at.toggle(key="train_full").set_value(True).run()


def test_a_test_split_holds_out_samples_and_draws_their_loss(moons):
    at = moons.slider(key="train_test").set_value(0.25).run()
    data = sent(at)
    (run,) = data["runs"]
    assert len(data["test"]) == 15 and len(data["train"]) == 45
    assert len(run["perEpoch"]["test"]) == 101 and np.array(run["confusionTest"][-1]).sum() == 15
    assert "test loss" in summary(at) and "test accuracy" in summary(at)
    at.slider(key="train_test").set_value(0.0).run()


def test_a_batch_above_n_is_named_and_the_last_good_run_stays(moons):
    at = moons.toggle(key="train_full").set_value(False).run()
    at = at.number_input(key="train_batch").set_value(61).run()
    assert "Batch size: 61 is above N = 60" in at.error[0].value
    assert any("Showing the last good training run" in w.value for w in at.warning)
    assert sent(at)["runs"]  # the last good run is still drawn
    at.number_input(key="train_batch").set_value(1).run()
    at.toggle(key="train_full").set_value(True).run()
    assert not at.error


def test_feature_transforms_add_inputs_whose_weights_start_at_zero(moons):
    at = moons.checkbox(key="train_feat_sq0").check().run()
    at = at.checkbox(key="train_feat_prod").check().run()
    data = sent(at)
    assert data["inputs"] == ["x0", "x1", "x0²", "x0·x1"] and data["transforms"] == ["sq0", "prod"]
    W1 = np.array(data["runs"][0]["frames"][0]["params"][:4 * 4]).reshape(4, 4)
    assert np.all(W1[2:] == 0) and np.any(W1[:2] != 0)
    at.checkbox(key="train_feat_sq0").uncheck().run()
    at.checkbox(key="train_feat_prod").uncheck().run()


def test_compare_trains_both_settings_from_the_same_weights(moons):
    at = moons.toggle(key="train_compare").set_value(True).run()
    at = at.radio(key="train_b_reg").set_value("l2").run()
    at = at.number_input(key="train_b_rate").set_value(0.01).run()
    first, second = sent(at)["runs"]
    assert first["frames"][0]["params"] == second["frames"][0]["params"]
    assert first["perEpoch"]["train"][-1] != second["perEpoch"]["train"][-1]
    assert "L2 λ = 0.01" in second["label"] and "Second run" in at.markdown[-1].value
    at.toggle(key="train_compare").set_value(False).run()


def test_a_target_loss_stops_at_the_first_epoch_that_reaches_it(moons):
    full = sent(moons)["runs"][0]["perEpoch"]["train"]
    target = full[40]
    at = moons.radio(key="train_stop").set_value("loss").run()
    at = at.number_input(key="train_target").set_value(target).run()
    (run,) = sent(at)["runs"]
    first_hit = next(e for e, v in enumerate(full) if v <= target)
    assert run["perEpoch"]["epoch"][-1] == first_hit and "the target loss reached" in summary(at)
    at.radio(key="train_stop").set_value("epochs").run()


def test_too_much_work_for_a_rerun_is_named():
    at = load_preset(open_app("training"), "moons")
    at = at.toggle(key="train_full").set_value(False).run()
    at = at.number_input(key="train_batch").set_value(1).run()
    at = at.number_input(key="train_epochs").set_value(5000).run()
    assert at.error and at.error[0].value.startswith("Please fix the input: Epochs: 5,000 epochs")
    assert bp.MAX_EPOCHS >= 5000


def test_a_link_restores_the_training_settings_and_the_address_keeps_changes():
    from urllib.parse import parse_qs

    from conftest import ENTRY
    from streamlit.testing.v1 import AppTest

    query = ("X=0,0;0,1;1,0;1,1;0.5,0.5;1,0.2&y=0,1,1,0,1,0&w=0.1,0.2&b=0&lr=0.1&activation=sigmoid&loss=bce"
             "&opt=adam&batch=2&epochs=30&stop=0.2&reg=l2&reg_rate=0.01&test=0.34&seed=3&features=sq0,prod"
             "&compare=1&b_opt=sgd&b_batch=0&b_lr=0.5")
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params = {k: v[0] for k, v in parse_qs(query).items()}
    at.switch_page("../pages/training.py")
    at = at.run()
    assert not at.exception and not at.error
    first, second = sent(at)["runs"]
    assert first["label"] == "Adam, η = 0.1, batch 2, L2 λ = 0.01" and second["label"] == "SGD, η = 0.5, full batch"
    assert len(sent(at)["test"]) == 2 and sent(at)["inputs"] == ["x0", "x1", "x0²", "x0·x1"]
    assert at.radio(key="train_stop").value == "loss" and at.number_input(key="train_target").value == 0.2
    assert at.query_params["seed"] == "3" and at.query_params["features"] == "sq0,prod"
    at.number_input(key="train_epochs").set_value(40).run()
    assert at.query_params["epochs"] == "40" and at.query_params["batch"] == "2"
    at.switch_page("../pages/overview.py").run()
    at.run()  # Streamlit drops the page's widgets' state after a run without them: the link keeps them
    assert at.query_params["epochs"] == "40" and at.query_params["b_lr"] == "0.5"


@pytest.mark.parametrize(("query", "problem"), [
    ("batch=-1", "batch: '-1' must be a whole number from 0 to 10000"),
    ("reg=l3", "reg: 'l3' is not the regularization's name"),
    ("features=cube", "features: 'cube' must list distinct names among sq0"),
    ("test=0.95", "test: '0.95' must be a number from 0 to 0.9"),
])
def test_bad_training_settings_in_a_link_are_named(query, problem):
    from ui import share

    with pytest.raises(share.ShareError) as err:
        share.decode({k: v for k, v in (p.split("=") for p in query.split("&"))})
    assert problem in str(err.value)


def test_noise_redraws_a_generated_example_and_is_offered_only_for_one():
    at = open_app("training")
    assert not [s for s in at.slider if s.key == "train_noise"]  # the seed example is typed, not generated
    at = load_preset(at, "circles")
    assert at.slider(key="train_noise").value == 0.08
    before = at.session_state["model"].X
    at = at.slider(key="train_noise").set_value(0.3).run()
    after = at.session_state["model"]
    X, y = bp.datasets.circles(n=60, noise=0.3, seed=0)
    np.testing.assert_array_equal(np.array(after.X, dtype=float), X)
    assert before != after.X and not at.error
    assert at.slider(key="train_noise").value == 0.3 and at.query_params["noise"] == "0.3"


def test_a_split_that_leaves_no_training_sample_is_named():
    at = load_preset(open_app("training"), "xor")  # 4 samples
    at = at.slider(key="train_test").set_value(0.9).run()
    assert "test fraction 0.9 of 4 samples leaves no training sample" in at.error[0].value
    assert any("Showing the last good training run" in w.value for w in at.warning)
    at = at.slider(key="train_test").set_value(0.25).run()
    assert not at.error and len(sent(at)["test"]) == 1


def test_one_feature_data_trains_and_says_why_it_has_no_maps():
    at = load_preset(open_app("training"), "sine")
    assert not at.exception and not at.error
    assert any("need data with two features; this data has 1" in c.value for c in at.caption)
    data = sent(at)
    assert data["plane"] is None and data["classes"] == 0 and len(data["runs"][0]["perEpoch"]["train"]) == 101


def test_the_three_class_spiral_trains_with_its_three_colour_map_and_matrices():
    at = load_preset(open_app("training"), "spiral")
    assert not at.exception and not at.error
    at = at.slider(key="train_test").set_value(0.2).run()
    data = sent(at)
    (run,) = data["runs"]
    assert data["classes"] == 3 and data["classifies"] == "argmax" and len(data["palette"]) == 3
    assert np.array(run["confusionTrain"][-1]).shape == (3, 3) and np.array(run["confusionTrain"][-1]).sum() == 24
    assert np.array(run["confusionTest"][-1]).sum() == 6 and data["units"][-1] == ["ŷ[0]", "ŷ[1]", "ŷ[2]"]
    assert sorted({p[2] for p in data["train"]}) == [0, 1, 2]
    at = at.slider(key="train_noise").set_value(0.2).run()  # a generated example: redrawn with more noise
    X, _ = bp.datasets.spiral(30, classes=3, noise=0.2, seed=0)
    np.testing.assert_array_equal(np.array(at.session_state["model"].X, dtype=float), X)
    assert not at.error


def test_the_two_output_regression_trains_with_a_split():
    at = load_preset(open_app("training"), "sincos")
    at = at.slider(key="train_test").set_value(0.25).run()
    assert not at.exception and not at.error
    data = sent(at)
    assert data["classes"] == 0 and data["units"][-1] == ["ŷ[0]", "ŷ[1]"] and data["runs"][0]["perEpoch"]["test"]
    at = at.slider(key="train_noise").set_value(0.2).run()
    assert not at.error and len(at.session_state["model"].y[0]) == 2
