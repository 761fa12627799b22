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
