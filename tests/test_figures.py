"""Figure builders without a browser: frames, what they carry, axis names, divergence, the model view."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
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


def spec(animation: figures.Animation) -> dict:
    """What the figure component gets (ui/landscape_chart.py): the figure and its frames, as JSON, the frames
    unpacked as the browser does."""
    from conftest import unpack_frames

    from ui.landscape_chart import figure_data

    data = json.loads(json.dumps(figure_data(animation), allow_nan=False))
    return {**data, "frames": unpack_frames(data["frames"])}


@pytest.mark.parametrize("show_3d", [True, False])
def test_one_frame_per_step_played_in_the_browser_not_by_plotly(show_3d):
    animation = landscape(runs(steps=30), show_3d=show_3d)
    assert len(animation.frames) == 31 and animation.steps == 30 and animation.redraw is True
    fig = animation.figure
    assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus  # the component's player
    assert animation.duration == figures.frame_duration(30)


def test_the_surface_is_drawn_once_and_frames_carry_only_the_markers():
    animation = landscape(runs())
    fig = animation.figure
    kinds = [t.type for t in fig.data]
    assert kinds.count("surface") == 1 and kinds.count("contour") == 1
    assert [fig.data[i].type for i in animation.traces] == ["scatter3d", "scattergl", "scattergl"]
    for frame in animation.frames:
        assert len(frame) == len(animation.traces)
        assert all(set(d) <= {"x", "y", "z"} and len(d["x"]) == 3 for d in frame)  # one point per optimizer
    assert fig.data[1].z is not None and all(len(d.get("z", ())) in (0, 3) for f in animation.frames for d in f)


def test_a_frame_puts_each_marker_where_its_optimizer_is_at_that_step():
    trajectories = runs(steps=12)
    frame = landscape(trajectories).frames[7]
    for i, t in enumerate(trajectories):
        assert math.isclose(frame[0]["x"][i], t.w[7, 0], rel_tol=1e-5)  # 3D: w0, w1, loss
        assert math.isclose(frame[0]["y"][i], t.w[7, 1], rel_tol=1e-5)
        assert math.isclose(frame[0]["z"][i], t.loss[7], rel_tol=1e-5)
        assert frame[2]["x"][i] == 7 and math.isclose(frame[2]["y"][i], t.loss[7], rel_tol=1e-5)


def test_axes_are_labelled_with_the_parameter_names():
    s = surface(axes=("w1", "b"))
    fig = landscape(runs(params=("w1", "b")), s).figure
    assert fig.layout.scene.xaxis.title.text == "w1" and fig.layout.scene.yaxis.title.text == "b"
    assert fig.layout.scene.zaxis.title.text == "loss L"
    assert fig.layout.xaxis.title.text == "w1" and fig.layout.yaxis.title.text == "b"
    assert "w0 = 0.1000 held" in fig.layout.annotations[0].text
    assert list(fig.layout.xaxis.range) == [s.u[0], s.u[-1]]


def test_the_paths_hover_and_the_markers_follow_the_optimizers_colours():
    fig = landscape(runs(optimizers=("sgd", "adam"))).figure
    names = [t.name for t in fig.data if t.type == "scatter" and t.showlegend is not False]
    assert names == ["current parameters", "SGD", "Adam"]
    markers = [t for t in fig.data if t.type == "scattergl"]
    assert list(markers[0].marker.color) == [figures.STYLES["sgd"].color, figures.STYLES["adam"].color]


def test_divergence_stops_the_path_and_leaves_no_nan_anywhere():
    trajectories = runs(lr=10, steps=50, params=None)
    sgd = trajectories[0]
    assert sgd.diverged_at == 3 and sgd.n_steps == 2
    animation = landscape(trajectories, surface(span=3.0))
    assert len(animation.frames) == 51
    values = list(numbers(spec(animation)))
    assert values and all(math.isfinite(v) for v in values)
    texts = [t.text[0] for t in animation.figure.data if t.type == "scatter" and t.text]
    assert "SGD diverged at step 3" in texts
    # after step 2 the diverged optimizer's marker stays at its last recorded state
    loss_head = animation.frames[40][2]
    assert loss_head["x"][0] == 2 and math.isclose(loss_head["y"][0], sgd.loss[2], rel_tol=1e-5)


def test_the_notebook_overlay_is_drawn_and_climbs():
    trajectories = runs(optimizers=("sgd", "notebook"), steps=20)
    animation = landscape(trajectories)
    fig = animation.figure
    notebook = [t for t in fig.data if t.name == "The notebook's rule" and t.type == "scatter"]
    assert notebook and len(animation.frames[0][0]["x"]) == 2
    loss = [t for t in fig.data if t.type == "scatter" and t.name == "The notebook's rule" and t.xaxis == "x2"][0]
    assert loss.y[-1] > loss.y[0]  # the notebook's rule goes uphill
    assert not [t for t in landscape(runs(optimizers=("sgd",))).figure.data if t.name == "The notebook's rule"]


def test_a_path_off_the_slice_says_so_and_sits_at_its_true_loss():
    s = surface()
    exact, free = runs(optimizers=("sgd",))[0], runs(optimizers=("sgd",), params=None)[0]
    assert figures.is_exact(s, exact) and not figures.is_exact(s, free)
    fig = landscape([free], s).figure
    path = next(t for t in fig.data if t.type == "scatter3d" and t.name == "SGD")
    assert "off the slice" in path.hovertemplate
    assert np.allclose(path.z, free.loss)  # its own loss, not the surface's


def test_without_trajectories_the_surface_stands_alone():
    animation = landscape([])
    assert not animation.frames and animation.steps == 0 and not animation.figure.frames
    assert [t.type for t in animation.figure.data] == ["surface", "scatter3d", "contour", "scatter"]


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
    animation = figures.model_figure(t, X, Y)
    assert len(animation.frames) == 26 and animation.traces == (0, 1)
    heat, line = animation.figure.data[0], animation.figure.data[1]
    assert heat.type == "heatmap" and line.type == "scatter"
    k = 25
    frame = animation.frames[k]
    z = array(frame[0]["z"])
    assert z.dtype == np.uint8 and z.shape == (figures.MODEL_GRID, figures.MODEL_GRID)
    # the heatmap's colour at a grid point is the neuron's prediction there (an independent oracle: ReLU by hand)
    gx, gy = np.asarray(heat.x), np.asarray(heat.y)
    w, b = t.w[k], t.b[k]
    prediction = np.maximum(0.0, w[0] * gx[None, :] + w[1] * gy[:, None] + b)
    lo, hi = 0.0, 1.0
    expected = np.clip(np.rint((prediction - lo) / (hi - lo) * figures.LEVELS), 0, figures.LEVELS)
    assert np.array_equal(z, expected.astype(np.uint8))
    # the dashed line's ends satisfy w . x + b = 0
    xs, ys = frame[1]["x"], frame[1]["y"]
    assert len(xs) == 2
    assert all(abs(w[0] * x + w[1] * yv + b) < 1e-4 for x, yv in zip(xs, ys, strict=True))


def test_the_zero_line_off_view_is_named_not_drawn():
    t = runs(steps=1, optimizers=("sgd",))[0]  # z = 0.1 x0 + 0.2 x1 + 1 > 0 over the samples' box
    fig = figures.model_figure(t, X, Y).figure
    assert list(fig.data[1].x) == [None] and "outside this view: z > 0 everywhere" in fig.data[1].name  # a gap
    assert fig.layout.showlegend  # the legend says so, though the line is the only other trace


def test_the_model_view_with_one_feature_draws_the_prediction_line_exactly():
    x1, y1 = np.array([[0.0], [1.0], [3.0]]), np.array([0.5, 1.0, 2.0])
    t = bp.train(x1, [1.0], -1.0, y1, lr=0.05, steps=10, optimizer="sgd")
    animation = figures.model_figure(t, x1, y1)
    assert len(animation.frames) == 11 and animation.figure.layout.xaxis.title.text == "x0"
    assert animation.traces == (2,) and animation.redraw is False  # SVG lines move without a redraw
    curve = animation.frames[10][0]
    w, b = t.w[10, 0], t.b[10]
    assert np.allclose(curve["y"], np.maximum(0.0, w * np.asarray(curve["x"]) + b), atol=1e-4)
    assert any(math.isclose(x, -b / w, rel_tol=1e-5) for x in curve["x"])  # the kink is a vertex of the line


def test_the_model_view_of_three_features_names_the_ones_held_at_their_mean():
    X3 = np.column_stack([X, [5.0, -1.0, 2.0]])
    t = bp.train(X3, [0.1, 0.2, 0.3], B, Y, lr=0.01, steps=5, optimizer="sgd")
    animation = figures.model_figure(t, X3, Y, features=(0, 2))
    fig = animation.figure
    assert fig.layout.xaxis.title.text == "x0" and fig.layout.yaxis.title.text == "x2"
    assert "x1 held at its mean" in fig.layout.title.text
    # z at a grid point uses x1's mean, 2/3
    heat = animation.frames[0][0]
    gx, gy = np.asarray(fig.data[0].x), np.asarray(fig.data[0].y)
    z = 0.1 * gx[0] + 0.3 * gy[0] + 0.2 * X3[:, 1].mean() + B
    lo, hi = 0.0, 1.0
    level = np.clip(np.rint((max(z, 0.0) - lo) / (hi - lo) * figures.LEVELS), 0, figures.LEVELS)
    assert array(heat["z"])[0, 0] == int(level)


def test_a_diverged_run_in_the_model_view_is_labelled_and_finite():
    t = runs(lr=10, steps=20, optimizers=("sgd",), params=None)[0]
    animation = figures.model_figure(t, X, Y)
    assert "diverged at step 3" in animation.figure.layout.annotations[0].text
    assert len(animation.frames) == 21
    assert all(math.isfinite(v) for v in numbers(spec(animation)))


def test_the_frames_reach_the_browser_as_they_are_in_under_half_their_json():
    t, X, y = mlp_run(steps=40)
    animation = figures.model_figure(t, X, y)
    sent = spec(animation)
    assert sent["frames"] == json.loads(json.dumps(animation.frames))  # every number, name and array, unpacked
    assert sent["traces"] == [0, 1] and sent["redraw"] is True and sent["duration"] == animation.duration
    from ui.landscape_chart import figure_data

    assert len(figure_data(animation)["frames"]) < len(json.dumps(animation.frames)) / 2
    assert figure_data(figures.model_figure(t, X, y).figure)["frames"] == ""  # a still figure: none


def test_the_animated_figure_stays_close_to_the_size_of_the_static_one():
    trajectories = runs(steps=200)
    animation = landscape(trajectories, surface(resolution=101))
    animated = len(json.dumps(spec(animation)))
    static = len(json.dumps(spec(animation.figure)))
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
    animation = figures.model_figure(t, X, y)
    assert len(animation.frames) == 41
    assert [d.type for d in animation.figure.data] == ["heatmap", "scatter", "scatter"]
    heat = animation.figure.data[0]
    gx, gy = np.asarray(heat.x), np.asarray(heat.y)
    for k in (0, 40):
        z = array(animation.frames[k][0]["z"])
        assert z.dtype == np.uint8 and z.shape == (figures.MODEL_GRID, figures.MODEL_GRID)
        grid = np.column_stack([np.tile(gx, len(gy)), np.repeat(gy, len(gx))])  # row r of the map is y = gy[r]
        prediction = by_hand(t.at(k), grid).reshape(len(gy), len(gx))
        expected = np.clip(np.rint(prediction * figures.LEVELS), 0, figures.LEVELS)  # BCE: colours span [0, 1]
        assert np.array_equal(z, expected.astype(np.uint8))
    assert not np.array_equal(array(animation.frames[0][0]["z"]), array(animation.frames[40][0]["z"]))


def test_an_mlps_frames_carry_only_what_changes():
    t, X, y = mlp_run(steps=10)
    animation = figures.model_figure(t, X, y)
    assert animation.traces == (0, 1) and animation.redraw is True  # a heatmap needs the redraw
    for heat, line in animation.frames:
        assert set(heat) == {"z"} and set(line) == {"x", "y", "name"}
        assert heat["z"]["dtype"] == "u1"  # one byte a cell, as a typed array


def test_an_mlps_decision_boundary_is_where_its_probability_crosses_one_half():
    t, X, y = mlp_run(steps=300)
    line = figures.model_figure(t, X, y).frames[-1][1]
    assert line["name"] == "a = 0.5 (the decision boundary)"
    points = np.column_stack([array(line["x"]), array(line["y"])]).astype(np.float64)
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
    animation = figures.model_figure(t, X, y)
    assert "a = 2 lies outside this view: a < 2 everywhere" in animation.frames[0][1]["name"]  # all near 0 at first
    assert animation.frames[0][1]["x"] == [None]  # no line: one gap point, so the legend keeps the name
    assert animation.frames[-1][1]["name"] == "a = 2 (the decision boundary)"
    spec(animation)  # what the browser gets: plain JSON, an empty line included


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
    animation = figures.model_figure(t, X, y)
    assert len(animation.frames) == 31 and animation.figure.layout.xaxis.title.text == "x0"
    grid = np.asarray(animation.figure.data[2].x)
    assert len(grid) == figures.CURVE_POINTS
    frame = animation.frames[30][0]
    assert set(frame) == {"y"}  # the grid stays put: a frame carries only the curve's heights
    expected = by_hand(t.at(30), grid[:, None], output=lambda z: z)
    assert np.allclose(frame["y"], expected, rtol=1e-5, atol=1e-6)


def test_an_mlp_on_three_features_plots_prediction_against_target():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)).round(2)
    y = np.tanh(X @ [1.0, -0.5, 0.3])
    net = bp.Network(inputs=3, hidden=[(4, "tanh")], output="identity", loss="mse")
    t = net.train(X, y, net.init(seed=0), lr=0.05, steps=20, optimizer="adam")
    animation = figures.model_figure(t, X, y)
    assert len(animation.frames) == 21 and animation.traces == (1,)
    diagonal, samples = animation.figure.data
    assert list(diagonal.x) == list(diagonal.y) and diagonal.name.startswith("a = y")
    assert np.array_equal(samples.x, y) and animation.figure.layout.xaxis.title.text == "target y"
    for k in (0, 20):
        (frame,) = animation.frames[k]
        assert set(frame) == {"y"}
        assert np.allclose(frame["y"], by_hand(t.at(k), X, output=lambda z: z), rtol=1e-5, atol=1e-6)


def test_a_one_neuron_network_draws_what_bp_train_draws():
    net = bp.Network(inputs=2, hidden=[], output="relu", loss="mse")
    t = net.train(X, Y, {"W1": [[W[0]], [W[1]]], "b1": [B]}, lr=0.1, steps=5)
    same = figures.model_figure(runs(steps=5, optimizers=("sgd",), params=None)[0], X, Y)
    assert spec(figures.model_figure(t, X, Y)) == spec(same)
    assert "z = 0" in same.figure.data[1].name


@pytest.mark.parametrize("data", ["sine", "xor"])
def test_a_diverged_mlp_stays_at_its_last_recorded_state_and_says_so(data):
    X, y = getattr(bp.datasets, data)()
    net = bp.Network(inputs=X.shape[1], hidden=[(2, "relu")], output="identity", loss="mse")
    t = net.train(X, y, net.init(seed=0), lr=100, steps=20, optimizer="sgd")
    assert t.diverged_at is not None and t.n_steps < 20
    animation = figures.model_figure(t, X, y)
    assert len(animation.frames) == 21
    assert f"diverged at step {t.diverged_at}" in animation.figure.layout.annotations[0].text
    last, stopped = animation.frames[t.n_steps][0], animation.frames[20][0]
    shown = (array(f["y"] if data == "sine" else f["z"]) for f in (last, stopped))
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
    fig = figures.model_figure(runs(steps=2, optimizers=("sgd",))[0], X, Y).figure
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
