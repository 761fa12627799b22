"""The editors' model: cell texts, edits from a data editor, features, presets."""

import numpy as np
import pytest

import backprop as bp
from ui.model import PRESETS, SEED, Model, from_arrays, random_model


def trace(m: Model) -> bp.Trace:
    return bp.forward_backward(m.X, m.w, m.b, m.y, activation=m.activation, loss=m.loss, lr=m.lr)


def test_seed_is_the_notebooks_example():
    assert SEED.X == (("1", "2"), ("2", "1"), ("-1", "-2"))
    assert (SEED.y, SEED.w, SEED.b, SEED.lr) == (("1", "0", "0"), ("0.1", "0.2"), "1", "0.01")
    assert (SEED.activation, SEED.loss, SEED.precision) == ("relu", "mse", 4)


def test_edited_applies_cell_edits_added_and_deleted_rows():
    m = SEED.edited({0: {"x0": "3"}, "2": {"y": 5.0}}, [{"x0": "7", "x1": "8", "y": "9"}], [1])
    assert m.X == (("3", "2"), ("-1", "-2"), ("7", "8"))
    assert m.y == ("1", "5", "9")


def test_edited_keeps_missing_values_as_empty_cells():
    m = SEED.edited({0: {"x0": None, "x1": float("nan")}}, [{"y": "1"}], [])
    assert m.X[0] == ("", "") and m.X[3] == ("", "")
    with pytest.raises(bp.InputError, match="X row 0, column x0"):
        trace(m)


def test_edited_ignores_unknown_columns_and_rows():
    assert SEED.edited({9: {"x0": "1"}, 0: {"zz": "1"}}, [], []) == SEED


def test_params_edited_changes_weights_and_bias():
    m = SEED.params_edited({"w1": "0.5", "b": -2.0})
    assert (m.w, m.b) == (("0.1", "0.5"), "-2")


def test_features_are_added_as_zeros_and_removed_from_the_end():
    wide = SEED.with_feature_added()
    assert wide.features == ["x0", "x1", "x2"] and wide.params == ["w0", "w1", "w2", "b"]
    assert all(r[-1] == "0" for r in wide.X) and wide.w[-1] == "0"
    assert trace(wide).loss == trace(SEED).loss
    assert wide.with_feature_removed() == SEED
    one = SEED.with_feature_removed()
    assert one.n_features == 1 and one.with_feature_removed() == one


def test_from_arrays_writes_short_exact_cells():
    m = from_arrays([[0.5, 1e-3]], [2], [1 / 3, -0.0], 1e6)
    assert m.X == (("0.5", "0.001"),) and m.w == ("0.3333333333", "0") and m.b == "1000000"


def test_presets_show_what_they_promise():
    dead = trace(PRESETS["dead_relu"][1])
    assert list(np.flatnonzero(dead.inactive)) == [2, 3]
    np.testing.assert_array_equal(dead.per_sample_grad_w[2:], 0)
    all_dead = trace(PRESETS["all_dead"][1])
    assert all_dead.inactive.all() and not all_dead.grad.any() and all_dead.new_loss == all_dead.loss
    saturated = trace(PRESETS["saturated_sigmoid"][1])
    assert saturated.activation == "sigmoid" and np.abs(saturated.dpred_dz).max() < 1e-4
    diverging = trace(PRESETS["diverging_lr"][1])
    assert diverging.new_loss > 5 * diverging.loss
    kink = trace(PRESETS["relu_kink"][1])
    assert kink.z[0] == 0.0 and kink.inactive[0]
    random = trace(PRESETS["random"][1])
    assert random.X.shape == (8, 2) and random.inactive.any()


def test_random_model_is_reproducible_by_seed():
    assert random_model(3) == random_model(3)
    assert random_model(3) != random_model(4)


def test_changing_the_architecture_keeps_what_fits_and_initialises_the_rest():
    from ui.model import PRESETS, SEED

    m, said = SEED.with_architecture(((3, "tanh"),), seed=0)
    assert m.hidden == ((3, "tanh"),) and np.shape(np.array(m.layers[0][0], dtype=object)) == (2, 3)
    assert said == "Architecture changed: kept b2; initialised W1, b1, W2 (in part) (He / Xavier, seed 0)."
    assert m.b == SEED.b and m.w[:2] == SEED.w  # the output unit keeps its weights where they still fit
    xor = PRESETS["xor"][1]
    wider, said = xor.with_architecture(((3, "tanh"),), seed=1)
    assert [r[:2] for r in wider.layers[0][0]] == list(xor.layers[0][0]) and "W1 (in part)" in said
    back, _ = wider.with_architecture(((2, "tanh"),), seed=1)
    assert back.layers[0] == xor.layers[0]  # shrinking keeps the cells that remain
    net = back.network()
    assert net.param_names() == xor.params


def test_a_network_model_gives_the_engine_its_cells_by_parameter():
    from ui.model import PRESETS

    xor = PRESETS["xor"][1]
    assert xor.param_texts()["W2"] == [["0.7"], ["-0.6"]] and xor.flat_texts()[-1] == "0.05"
    edited = xor.layer_edited("W2", {1: {0: "9"}}).layer_edited("b1", {0: {1: "x"}})
    assert edited.w == ("0.7", "9") and edited.layers[0][1] == ("0.1", "x")
    with pytest.raises(bp.InputError, match=r"layer 1, b1\[1\]: 'x' is not a number"):
        edited.engine()
    assert xor.with_feature_added().n_features == 3 and xor.with_feature_added().with_feature_removed() == xor
