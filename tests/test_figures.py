"""Figure builders without a browser: frames, what they carry, axis names, divergence, the model view."""

from __future__ import annotations

import base64
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


def array(v) -> np.ndarray:
    """A figure's array as Plotly.js reads it: a list, a NumPy array, or a typed-array spec (dtype, base64 bytes,
    shape "rows, columns"), as plotly.py sends NumPy arrays and the model view's frames carry their heatmaps."""
    if isinstance(v, dict):
        flat = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return flat.reshape([int(n) for n in v["shape"].split(",")]) if "shape" in v else flat
    return np.asarray(v)


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
    spans = bp.surface.fit_span(far, AXES, W, 0.5, limit=100.0)
    assert all(s >= 1.1 * np.abs(far[0].w[:, k] - W[k]).max() for k, s in enumerate(spans))
    assert bp.surface.fit_span(far, AXES, W, 0.5, limit=1.0) == (0.5, 0.5)
    assert bp.surface.fit_span(far, AXES, W, 100.0, limit=10.0) == (100.0, 100.0)
    s = surface(span=bp.surface.fit_span(far, AXES, W, 0.5, limit=100.0))
    assert s.contains(far[0]).all()


def test_the_model_view_has_one_frame_per_step_with_the_heatmap_and_the_zero_line():
    t = runs(steps=25, optimizers=("adam",))[0]
    fig = figures.model_figure(t, X, Y)
    assert len(fig.frames) == 26 and [f.name for f in fig.frames][-1] == "25"
    heat, line = fig.data[0], fig.data[1]
    assert heat.type == "heatmap" and line.type == "scattergl"
    k = 25
    frame = fig.frames[k]
    z = array(frame.data[0].z)
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
    assert list(fig.data[1].x) == [None] and "outside this view: z > 0 everywhere" in fig.data[1].name  # a gap
    assert fig.layout.showlegend  # the legend says so, though the line is the only other trace


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
    level = np.clip(np.rint((max(z, 0.0) - lo) / (hi - lo) * figures.LEVELS), 0, figures.LEVELS)
    assert array(heat.z)[0, 0] == int(level)


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


# ---- the model view of a multi-layer network ------------------------------------------------------------------

def by_hand(params, X, hidden=np.tanh, output=lambda z: 1.0 / (1.0 + np.exp(-z))):
    """An independent oracle: one hidden layer's forward pass written out."""
    return output(hidden(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])[:, 0]


def mlp_run(data="circles", hidden=((4, "tanh"),), output="sigmoid", loss="bce", steps=40, lr=0.05):
    X, y = getattr(bp.datasets, data)()
    net = bp.Network(inputs=X.shape[1], hidden=list(hidden), output=output, loss=loss)
    return net.train(X, y, net.init(seed=0), lr=lr, steps=steps, optimizer="adam"), X, y


def test_an_mlp_on_two_features_is_its_prediction_map_animated_with_training():
    t, X, y = mlp_run(steps=40)
    fig = figures.model_figure(t, X, y)
    assert len(fig.frames) == 41 and [f.name for f in fig.frames] == [str(k) for k in range(41)]
    assert [d.type for d in fig.data] == ["heatmap", "scattergl", "scatter"]
    heat = fig.data[0]
    gx, gy = np.asarray(heat.x), np.asarray(heat.y)
    for k in (0, 40):
        z = array(fig.frames[k].data[0].z)
        assert z.dtype == np.uint8 and z.shape == (figures.MODEL_GRID, figures.MODEL_GRID)
        grid = np.column_stack([np.tile(gx, len(gy)), np.repeat(gy, len(gx))])  # row r of the map is y = gy[r]
        prediction = by_hand(t.at(k), grid).reshape(len(gy), len(gx))
        expected = np.clip(np.rint(prediction * figures.LEVELS), 0, figures.LEVELS)  # BCE: colours span [0, 1]
        assert np.array_equal(z, expected.astype(np.uint8))
    assert not np.array_equal(array(fig.frames[0].data[0].z), array(fig.frames[40].data[0].z))


def test_an_mlps_frames_carry_only_what_changes():
    t, X, y = mlp_run(steps=10)
    fig = figures.model_figure(t, X, y)
    for frame in fig.frames:
        assert list(frame.traces) == [0, 1]
        heat, line = frame.data
        assert heat.type == "heatmap" and heat.x is None and heat.y is None and heat.colorbar.title.text is None
        assert line.type == "scattergl" and line.marker.color is None
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True  # a heatmap needs the redraw


def test_an_mlps_decision_boundary_is_where_its_probability_crosses_one_half():
    t, X, y = mlp_run(steps=300)
    fig = figures.model_figure(t, X, y)
    line = fig.frames[-1].data[1]
    assert line.name == "a = 0.5 (the decision boundary)"
    points = np.column_stack([line.x, line.y]).astype(np.float64)
    points = points[~np.isnan(points[:, 0])]
    assert len(points) > 20
    # on the grid's cell edges, interpolated linearly: close to 0.5, and the circles' boundary closes on itself
    assert np.abs(by_hand(t.at(t.n_steps), points) - 0.5).max() < 0.1
    assert np.allclose(points[0], points[-1])


def test_a_regression_mlps_boundary_is_the_targets_midpoint_and_can_lie_off_view():
    X, y = bp.datasets.xor()
    y = 2 * y + 1  # targets 1 and 3: the midpoint is 2
    net = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity", loss="mse")
    start = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
    t = net.train(X, y, start, lr=0.05, steps=400, optimizer="adam")
    assert figures.threshold(t, y) == 2.0
    fig = figures.model_figure(t, X, y)
    assert "a = 2 lies outside this view: a < 2 everywhere" in fig.frames[0].data[1].name  # all near 0 at first
    assert list(fig.frames[0].data[1].x) == [None]  # no line: one gap point, so the legend keeps the name
    assert fig.frames[-1].data[1].name == "a = 2 (the decision boundary)"
    json.dumps(fig.to_dict(), allow_nan=False)  # what the browser gets: plain JSON, an empty line included


def test_the_level_set_traces_a_circle_as_one_closed_loop_and_a_hyperbola_in_two_pieces():
    g = np.linspace(-2, 2, 41)
    xs, ys = figures._level_set(g, g, g[None, :] ** 2 + g[:, None] ** 2, 1.0)
    assert not np.isnan(xs).any() and np.allclose(np.hypot(xs, ys), 1.0, atol=0.01)
    assert (xs[0], ys[0]) == (xs[-1], ys[-1])
    xs, ys = figures._level_set(g + 0.05, g + 0.05, (g[None, :] + 0.05) * (g[:, None] + 0.05), 0.5)
    assert np.isnan(xs).sum() == 1 and np.allclose((xs * ys)[~np.isnan(xs)], 0.5, atol=0.01)
    assert len(figures._level_set(g, g, np.zeros((41, 41)), 1.0)[0]) == 0


def test_an_mlp_on_one_feature_draws_its_curve_on_a_fixed_grid():
    t, X, y = mlp_run("sine", hidden=((8, "tanh"),), output="identity", loss="mse", steps=30)
    fig = figures.model_figure(t, X, y)
    assert len(fig.frames) == 31 and fig.layout.xaxis.title.text == "x0"
    grid = np.asarray(fig.data[2].x)
    assert len(grid) == figures.CURVE_POINTS
    frame = fig.frames[30].data[0]
    assert frame.x is None  # the grid stays put: a frame carries only the curve's heights
    expected = by_hand(t.at(30), grid[:, None], output=lambda z: z)
    assert np.allclose(frame.y, expected, rtol=1e-5, atol=1e-6)


def test_an_mlp_on_three_features_plots_prediction_against_target():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)).round(2)
    y = np.tanh(X @ [1.0, -0.5, 0.3])
    net = bp.Network(inputs=3, hidden=[(4, "tanh")], output="identity", loss="mse")
    t = net.train(X, y, net.init(seed=0), lr=0.05, steps=20, optimizer="adam")
    fig = figures.model_figure(t, X, y)
    assert len(fig.frames) == 21
    diagonal, samples = fig.data
    assert list(diagonal.x) == list(diagonal.y) and diagonal.name.startswith("a = y")
    assert np.array_equal(samples.x, y) and fig.layout.xaxis.title.text == "target y"
    for k in (0, 20):
        frame = fig.frames[k].data[0]
        assert frame.x is None and list(fig.frames[k].traces) == [1]
        assert np.allclose(frame.y, by_hand(t.at(k), X, output=lambda z: z), rtol=1e-5, atol=1e-6)


def test_a_one_neuron_network_draws_what_bp_train_draws():
    net = bp.Network(inputs=2, hidden=[], output="relu", loss="mse")
    t = net.train(X, Y, {"W1": [[W[0]], [W[1]]], "b1": [B]}, lr=0.1, steps=5)
    same = figures.model_figure(runs(steps=5, optimizers=("sgd",), params=None)[0], X, Y)
    assert pio.to_json(figures.model_figure(t, X, Y)) == pio.to_json(same)
    assert "z = 0" in same.data[1].name


@pytest.mark.parametrize("data", ["sine", "xor"])
def test_a_diverged_mlp_stays_at_its_last_recorded_state_and_says_so(data):
    X, y = getattr(bp.datasets, data)()
    net = bp.Network(inputs=X.shape[1], hidden=[(2, "relu")], output="identity", loss="mse")
    t = net.train(X, y, net.init(seed=0), lr=100, steps=20, optimizer="sgd")
    assert t.diverged_at is not None and t.n_steps < 20
    fig = figures.model_figure(t, X, y)
    assert len(fig.frames) == 21 and f"diverged at step {t.diverged_at}" in fig.layout.annotations[0].text
    last, stopped = fig.frames[t.n_steps].data[0], fig.frames[20].data[0]
    shown = (array(f.y if data == "sine" else f.z) for f in (last, stopped))
    assert np.array_equal(*shown)


@pytest.mark.parametrize("centre, cut_off", [
    (0.2, {((0.6, 0.0), (1.0, 0.4)), ((0.0, 0.6), (0.4, 1.0))}),  # centre on (0,0)'s side: (1,0), (0,1) cut off
    (-0.2, {((0.0, 0.4), (0.4, 0.0)), ((0.6, 1.0), (1.0, 0.6))}),  # else (0,0) and (1,1) are cut off
])
def test_a_saddle_cell_is_split_by_the_side_its_centre_is_on(centre, cut_off):
    f = np.array([[1.0, -1.0], [-1.0, 1.0]]) + centre  # f[r, c] at (x = c, y = r)
    xs, ys = figures._level_set(np.array([0.0, 1.0]), np.array([0.0, 1.0]), f, 0.0)
    pieces = np.split(np.column_stack([xs, ys]).astype(np.float64).round(6), np.flatnonzero(np.isnan(xs)))
    segments = {tuple(sorted(tuple(p.tolist()) for p in piece if not np.isnan(p).any()))
                for piece in pieces}
    assert segments == cut_off


def _contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        c = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


DARK_PAGE = "#171614"  # Streamlit 1.67's dark theme background, as a screenshot shows it
VIRIDIS_LOW = "#440154"  # the contour map's colour at the lowest loss, where the paths end


@pytest.mark.parametrize("optimizer", sorted(figures.STYLES))
def test_each_path_is_drawn_in_a_colour_that_shows_on_the_dark_page_and_in_the_maps_valley(optimizer):
    s = figures.style(optimizer)
    assert _contrast(s.color_dark, DARK_PAGE) >= 4.5  # the loss curves' lines, on the page
    assert _contrast(s.color_dark, VIRIDIS_LOW) >= 3.5  # the contour map's paths, where they end


RDBU_ENDS_AND_MIDDLE = ("#053061", "#F7F7F7", "#67001F")  # the model view's map: its two ends and white middle


def test_the_model_views_legend_swatches_show_on_the_dark_page():
    """The model view's boundary line and its samples' edges (their legend swatches) take colours the dark page
    shows, and the boundary stays visible on the map under it, at its ends and its white middle."""
    fig = figures.model_figure(runs(steps=2, optimizers=("sgd",))[0], X, Y)
    swap = figures.dark_colors()
    line, samples = fig.data[1].line.color, fig.data[2].marker.line.color
    for colour in (line, samples):
        assert colour in swap, colour
        new = swap[colour]
        assert new == "ink" or _contrast(new, DARK_PAGE) >= 4.5, (colour, new)
    assert all(_contrast(swap[line], c) >= 3 for c in RDBU_ENDS_AND_MIDDLE), swap[line]
    assert _contrast(line, RDBU_ENDS_AND_MIDDLE[1]) >= 4.5  # black on the light page's map


def test_the_figures_dark_colours_swap_only_what_a_dark_page_hides():
    swap = figures.dark_colors()
    assert swap[figures.START_COLOR] == "ink"  # near-black samples: the page's text colour instead
    assert all(_contrast(new, DARK_PAGE) >= 4.5 for new in swap.values() if new != "ink")
    assert all(_contrast(old, DARK_PAGE) < 4.5 for old in swap)  # nothing visible is changed
