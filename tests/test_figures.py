"""Figure builders without a browser: frames, what they carry, axis names, divergence, the model view."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.io as pio
import pytest

import backprop as bp
from viz import figures

X = np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]])
Y = np.array([1.0, 0.0, 0.0])
W, B = [0.1, 0.2], 1.0
AXES = ("w0", "w1")


def runs(lr=0.1, steps=30, optimizers=("sgd", "momentum", "adam"), params=AXES, X=X, y=Y, w=W, b=B):
    return [bp.train(X, w, b, y, lr=lr, steps=steps, optimizer=o, params=params) for o in optimizers]


def surface(axes=AXES, span=2.0, resolution=21, X=X, y=Y, w=W, b=B):
    return bp.loss_surface(X, w, b, y, axes=axes, span=span, resolution=resolution)


def landscape(trajectories, s=None, **kw):
    s = s or surface()
    start = bp.forward_backward(X, W, B, Y).loss
    return figures.landscape_figure(s, trajectories, start, **kw)


def numbers(value):
    """Every number in a figure's JSON (typed arrays decoded), recursively."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            import base64

            yield from np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float).tolist()
            return
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield float(value)


def spec(fig) -> dict:
    """The figure as Streamlit sends it."""
    return json.loads(pio.to_json(fig, validate=False))


@pytest.mark.parametrize("show_3d", [True, False])
def test_one_frame_per_step_and_a_slider_step_for_each(show_3d):
    fig = landscape(runs(steps=30), show_3d=show_3d)
    assert len(fig.frames) == 31
    assert [f.name for f in fig.frames] == [str(k) for k in range(31)]
    slider = fig.layout.sliders[0]
    assert [list(s.args[0]) for s in slider.steps] == [[str(k)] for k in range(31)]
    play = fig.layout.updatemenus[0].buttons[0]
    assert play.label.endswith("Play") and play.args[0] is None and play.args[1]["frame"]["redraw"] is True


def test_the_surface_is_drawn_once_and_frames_carry_only_the_markers():
    fig = landscape(runs())
    kinds = [t.type for t in fig.data]
    assert kinds.count("surface") == 1 and kinds.count("contour") == 1
    for frame in fig.frames:
        assert {d.type for d in frame.data} <= {"scatter3d", "scattergl"}
        # one point per optimizer in each marker trace, and each points at a trace of the same type
        assert all(len(d.x) == 3 for d in frame.data)
        assert [fig.data[i].type for i in frame.traces] == [d.type for d in frame.data]
    assert fig.data[1].z is not None and all(getattr(d, "z", None) is None or len(d.z) == 3
                                            for f in fig.frames for d in f.data)


def test_a_frame_puts_each_marker_where_its_optimizer_is_at_that_step():
    trajectories = runs(steps=12)
    fig = landscape(trajectories)
    frame = fig.frames[7]
    for i, t in enumerate(trajectories):
        assert math.isclose(frame.data[0].x[i], t.w[7, 0], rel_tol=1e-5)  # 3D: w0, w1, loss
        assert math.isclose(frame.data[0].y[i], t.w[7, 1], rel_tol=1e-5)
        assert math.isclose(frame.data[0].z[i], t.loss[7], rel_tol=1e-5)
        assert frame.data[2].x[i] == 7 and math.isclose(frame.data[2].y[i], t.loss[7], rel_tol=1e-5)


def test_axes_are_labelled_with_the_parameter_names():
    s = surface(axes=("w1", "b"))
    fig = landscape(runs(params=("w1", "b")), s)
    assert fig.layout.scene.xaxis.title.text == "w1" and fig.layout.scene.yaxis.title.text == "b"
    assert fig.layout.scene.zaxis.title.text == "loss L"
    assert fig.layout.xaxis.title.text == "w1" and fig.layout.yaxis.title.text == "b"
    assert "w0 = 0.1000 held" in fig.layout.annotations[0].text
    assert list(fig.layout.xaxis.range) == [s.u[0], s.u[-1]]


def test_the_paths_hover_and_the_markers_follow_the_optimizers_colours():
    fig = landscape(runs(optimizers=("sgd", "adam")))
    names = [t.name for t in fig.data if t.type == "scatter" and t.showlegend is not False]
    assert names == ["current parameters", "SGD", "Adam"]
    markers = [t for t in fig.data if t.type == "scattergl"]
    assert list(markers[0].marker.color) == [figures.STYLES["sgd"].color, figures.STYLES["adam"].color]


def test_divergence_stops_the_path_and_leaves_no_nan_anywhere():
    trajectories = runs(lr=10, steps=50, params=None)
    sgd = trajectories[0]
    assert sgd.diverged_at == 3 and sgd.n_steps == 2
    fig = landscape(trajectories, surface(span=3.0))
    assert len(fig.frames) == 51
    values = list(numbers(spec(fig)))
    assert values and all(math.isfinite(v) for v in values)
    texts = [t.text[0] for t in fig.data if t.type == "scatter" and t.text]
    assert "SGD diverged at step 3" in texts
    # after step 2 the diverged optimizer's marker stays at its last recorded state
    assert fig.frames[40].data[2].x[0] == 2 and math.isclose(fig.frames[40].data[2].y[0], sgd.loss[2], rel_tol=1e-5)


def test_the_notebook_overlay_is_drawn_and_climbs():
    trajectories = runs(optimizers=("sgd", "notebook"), steps=20)
    fig = landscape(trajectories)
    notebook = [t for t in fig.data if t.name == "The notebook's rule" and t.type == "scatter"]
    assert notebook and len(fig.frames[0].data[0].x) == 2
    loss = [t for t in fig.data if t.type == "scatter" and t.name == "The notebook's rule" and t.xaxis == "x2"][0]
    assert loss.y[-1] > loss.y[0]  # the notebook's rule goes uphill
    assert not [t for t in landscape(runs(optimizers=("sgd",))).data if t.name == "The notebook's rule"]


def test_a_path_off_the_slice_says_so_and_sits_at_its_true_loss():
    s = surface()
    exact, free = runs(optimizers=("sgd",))[0], runs(optimizers=("sgd",), params=None)[0]
    assert figures.is_exact(s, exact) and not figures.is_exact(s, free)
    fig = landscape([free], s)
    path = next(t for t in fig.data if t.type == "scatter3d" and t.name == "SGD")
    assert "off the slice" in path.hovertemplate
    assert np.allclose(path.z, free.loss)  # its own loss, not the surface's


def test_without_trajectories_the_surface_stands_alone():
    fig = landscape([])
    assert not fig.frames and not fig.layout.sliders
    assert [t.type for t in fig.data] == ["surface", "scatter3d", "contour", "scatter"]


def test_fit_span_widens_to_the_paths_up_to_its_limit():
    far = runs(lr=0.5, steps=60, optimizers=("momentum",))
    reach = max(np.abs(far[0].w[:, 0] - W[0]).max(), np.abs(far[0].w[:, 1] - W[1]).max())
    assert reach > 0.5
    spans = figures.fit_span(far, AXES, W, 0.5, limit=100.0)
    assert all(s >= 1.1 * np.abs(far[0].w[:, k] - W[k]).max() for k, s in enumerate(spans))
    assert figures.fit_span(far, AXES, W, 0.5, limit=1.0) == (0.5, 0.5)
    assert figures.fit_span(far, AXES, W, 100.0, limit=10.0) == (100.0, 100.0)
    s = surface(span=figures.fit_span(far, AXES, W, 0.5, limit=100.0))
    assert figures.inside(s, far[0]).all()


def test_the_model_view_has_one_frame_per_step_with_the_heatmap_and_the_zero_line():
    t = runs(steps=25, optimizers=("adam",))[0]
    fig = figures.model_figure(t, X, Y)
    assert len(fig.frames) == 26 and [f.name for f in fig.frames][-1] == "25"
    heat, line = fig.data[0], fig.data[1]
    assert heat.type == "heatmap" and line.type == "scattergl"
    k = 25
    frame = fig.frames[k]
    z = np.asarray(frame.data[0].z)
    assert z.dtype == np.uint8 and z.shape == (figures.MODEL_GRID, figures.MODEL_GRID)
    # the heatmap's colour at a grid point is the neuron's prediction there (an independent oracle: ReLU by hand)
    gx, gy = np.asarray(heat.x), np.asarray(heat.y)
    w, b = t.w[k], t.b[k]
    prediction = np.maximum(0.0, w[0] * gx[None, :] + w[1] * gy[:, None] + b)
    lo, hi = 0.0, 1.0
    expected = np.clip(np.rint((prediction - lo) / (hi - lo) * figures.LEVELS), 0, figures.LEVELS)
    assert np.array_equal(z, expected.astype(np.uint8))
    # the dashed line's ends satisfy w . x + b = 0
    xs, ys = frame.data[1].x, frame.data[1].y
    assert len(xs) == 2
    assert all(abs(w[0] * x + w[1] * yv + b) < 1e-4 for x, yv in zip(xs, ys, strict=True))


def test_the_zero_line_off_view_is_named_not_drawn():
    t = runs(steps=1, optimizers=("sgd",))[0]  # z = 0.1 x0 + 0.2 x1 + 1 > 0 over the samples' box
    fig = figures.model_figure(t, X, Y)
    assert list(fig.data[1].x) == [] and "outside this view: z > 0 everywhere" in fig.data[1].name


def test_the_model_view_with_one_feature_draws_the_prediction_line_exactly():
    x1, y1 = np.array([[0.0], [1.0], [3.0]]), np.array([0.5, 1.0, 2.0])
    t = bp.train(x1, [1.0], -1.0, y1, lr=0.05, steps=10, optimizer="sgd")
    fig = figures.model_figure(t, x1, y1)
    assert len(fig.frames) == 11 and fig.layout.xaxis.title.text == "x0"
    curve = fig.frames[10].data[0]
    w, b = t.w[10, 0], t.b[10]
    assert np.allclose(curve.y, np.maximum(0.0, w * np.asarray(curve.x) + b), atol=1e-4)
    assert any(math.isclose(x, -b / w, rel_tol=1e-5) for x in curve.x)  # the kink is a vertex of the line


def test_the_model_view_of_three_features_names_the_ones_held_at_their_mean():
    X3 = np.column_stack([X, [5.0, -1.0, 2.0]])
    t = bp.train(X3, [0.1, 0.2, 0.3], B, Y, lr=0.01, steps=5, optimizer="sgd")
    fig = figures.model_figure(t, X3, Y, features=(0, 2))
    assert fig.layout.xaxis.title.text == "x0" and fig.layout.yaxis.title.text == "x2"
    assert "x1 held at its mean" in fig.layout.title.text
    # z at a grid point uses x1's mean, 2/3
    heat = fig.frames[0].data[0]
    gx, gy = np.asarray(fig.data[0].x), np.asarray(fig.data[0].y)
    z = 0.1 * gx[0] + 0.3 * gy[0] + 0.2 * X3[:, 1].mean() + B
    lo, hi = 0.0, 1.0
    assert heat.z[0][0] == int(np.clip(np.rint((max(z, 0.0) - lo) / (hi - lo) * figures.LEVELS), 0, figures.LEVELS))


def test_a_diverged_run_in_the_model_view_is_labelled_and_finite():
    t = runs(lr=10, steps=20, optimizers=("sgd",), params=None)[0]
    fig = figures.model_figure(t, X, Y)
    assert "diverged at step 3" in fig.layout.annotations[0].text
    assert len(fig.frames) == 21
    assert all(math.isfinite(v) for v in numbers(spec(fig)))


def test_the_animated_figure_stays_close_to_the_size_of_the_static_one():
    trajectories = runs(steps=200)
    fig = landscape(trajectories, surface(resolution=101))
    animated = len(pio.to_json(fig, validate=False))
    fig.frames, fig.layout.sliders, fig.layout.updatemenus = [], [], []
    static = len(pio.to_json(fig, validate=False))
    assert animated < 1.5 * static  # frames hold a few numbers each, never the surface (goal: 1.3x)
