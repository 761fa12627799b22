"""The notebook: the seed's code run on the current numbers, beside the correct step; its two bugs explained."""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
import lesson
from ui import render, state, widgets

CODE = '''import numpy as np

def mse_loss(predictions,actual):
    return np.mean((predictions-actual)**2)

def forward_pass(x,w,b,actual):
    z = np.dot(x,w) + b
    predicted = np.maximum(0,z) # relu activation
    loss = mse_loss(predicted,actual)

    print('Ouput after 1 layer:',z)
    print('Prediction after 1 layer:',predicted)
    print('Loss after 1 layer',loss)

    return z , predicted , loss

def backward_pass(x,w,b,actual):
    z , predicted , loss = forward_pass(x,w,b,actual)

    dL_dpred = 2 * (predicted - actual) / len(z)
    dpred_dz = np.where(z > 0 , 1 ,0)

    print(f"dL_dpred shape: {dL_dpred.shape}")  # (3,)
    print(f"dpred_dz shape: {dpred_dz.shape}")  # (3,)
    print(f"dL_dpred: {dL_dpred}")
    print(f"dpred_dz: {dpred_dz}")

    #chain rule
    print((dL_dpred * dpred_dz)[:, np.newaxis]*x)
    # ⚠ bug 1: a second mean; dL_dpred already holds the 1/N
    dL_dw = np.mean((dL_dpred * dpred_dz)[:, np.newaxis] * x, axis=0)
    dL_db = np.mean(dL_dpred * dpred_dz)

    return dL_dw , dL_db , loss , predicted

{data}

dL_dw , dL_db , loss , predicted = backward_pass(x,w,b,actual)

# ⚠ bug 2: minus a minus is a plus: a step uphill
nw = w - learning_rate * -dL_dw
nb = b - learning_rate * -dL_db

print("\\n","#"*100)
print('Loss with respect to weight:',dL_dw)
print('Loss with respect to bias:',dL_db)
print('New Weights:',nw)
print('New bias:',nb)'''

PYTORCH = '''import torch
x = torch.tensor(X); y = torch.tensor(Y)
w = torch.tensor(W, requires_grad=True); b = torch.tensor(B, requires_grad=True)
loss = ((torch.relu(x @ w + b) - y) ** 2).mean()
loss.backward()              # w.grad = sum_i delta_i x_i, no second mean
with torch.no_grad():
    w -= lr * w.grad         # minus the gradient: downhill
    b -= lr * b.grad'''


def data_cell(nb: lesson.NotebookStep) -> str:
    """The notebook's data cell with the current numbers."""
    X, c = nb.correct.X, nb.correct
    rows = ",\n     ".join("[" + ",".join(repr(float(v)) for v in r) + "]" for r in X)
    return (f"x = [{rows}] # {X.shape[0]} x {X.shape[1]}\n\n"
            f"w = [{','.join(repr(float(v)) for v in c.w)}] # 1 x {len(c.w)}\n\n"
            f"b = {c.b!r}\nactual = [{','.join(repr(float(v)) for v in c.y)}]\nlearning_rate = {nb.lr!r}")


def printed(nb: lesson.NotebookStep) -> str:
    """What the notebook's print statements write, in NumPy's own formatting."""
    return "\n".join([
        f"Ouput after 1 layer: {nb.z}", f"Prediction after 1 layer: {nb.prediction}",
        f"Loss after 1 layer {nb.loss}", f"dL_dpred shape: {nb.dloss_dpred.shape}",
        f"dpred_dz shape: {nb.dpred_dz.shape}", f"dL_dpred: {nb.dloss_dpred}",
        f"dpred_dz: {nb.dpred_dz.astype(int)}", str(nb.per_sample), "", " " + "#" * 100,
        f"Loss with respect to weight: {nb.grad_w}", f"Loss with respect to bias: {nb.grad_b}",
        f"New Weights: {nb.new_w}", f"New bias: {nb.new_b}",
    ])


def moves(before: float, after: float) -> str:
    return "rises" if after > before else "falls" if after < before else "stays the same"


st.title("The notebook: two classic backprop bugs", anchor=False)
st.markdown(
    "This app grew from a notebook that trains one ReLU neuron with mean squared error for one step. Its "
    "forward pass is right; its gradient is **divided by N twice**, and its update **climbs** the gradient. "
    "Below, its code runs on your numbers, beside the correct computation (PyTorch's conventions, confirmed by "
    "finite differences)."
)
if not state.model().is_neuron:
    st.info("The notebook is one neuron: its code has a single weight vector w and a bias b. The model now has "
            "hidden layers or several outputs, so set **Hidden layers** to 0 and **Outputs K** to 1 in the sidebar "
            "(or load the seed example) to run the "
            "notebook on your X and y. The same two bugs would break a network's training the same way: its "
            "gradients would be N times too small, and every update would climb.", icon=":material/info:")
    st.stop()
m = state.model()
if (m.activation, m.loss) != ("relu", "mse"):
    st.info(f"The notebook is written for ReLU and mean squared error; your model uses "
            f"{bp.ACTIVATIONS[m.activation].label} and {bp.LOSSES[m.loss].label}. This page runs it, and the "
            "correct step beside it, with ReLU and MSE on your X, y, w, b and learning rate.",
            icon=":material/info:")
if m.penalty:
    st.info("The notebook has no regularization, so this page compares it with the correct step without the "
            "sidebar's penalty too; the other pages add it.", icon=":material/info:")
    m = replace(m, regularization="none")
shown = state.notebook(m)
widgets.editors_expander(expanded=shown is None or shown.stale)
if shown is None:
    st.stop()
widgets.stale_ui(shown)
m, nb = shown.model, shown.value
p, c, n = m.precision, nb.correct, nb.factor
f = render.fmt
check = state.gradient_check(m, activation="relu", loss="mse")

st.subheader("In short", anchor=False)
cols = st.columns(3)
cols[0].metric("Loss now", f(nb.loss, p))
cols[1].metric("After the notebook's step", f(nb.new_loss, p), help="w + η·dL/dw / N: uphill, and N times short.")
overshoot = render.overshoot_note(c.loss, c.new_loss, nb.lr, p)
cols[2].metric("After the correct step", f(c.new_loss, p),
               help="w − η·dL/dw: against the gradient" + (", but this η overshoots." if overshoot else ": downhill."))
st.markdown(
    f"- The notebook's step: the loss **{moves(nb.loss, nb.new_loss)}** "
    f"({f(nb.loss, p)} → {f(nb.new_loss, p)}).\n"
    f"- The correct step: the loss **{moves(c.loss, c.new_loss)}** ({f(c.loss, p)} → {f(c.new_loss, p)})."
)
if overshoot:
    st.warning(f"Here even the correct step raises the loss. {overshoot}", icon=":material/trending_up:")

st.subheader("The notebook's code, run on your numbers", anchor=False)
st.code(CODE.replace("{data}", data_cell(nb)), language="python", line_numbers=True)
st.markdown("**What it prints**")
st.code(printed(nb), language=None)
st.caption("For the seed example this is, digit for digit, the output saved in the notebook.")

st.subheader("Line by line: the notebook beside the correct computation", anchor=False)
fd = {pc.label: pc.numeric for pc in check.params} if check is not None else {}
names = c.param_labels
rows = [
    ("z = Xw + b", nb.z, c.z, None), ("prediction a = ReLU(z)", nb.prediction, c.prediction, None),
    ("loss L", nb.loss, c.loss, None), ("dL/da = 2(a − y)/N", nb.dloss_dpred, c.dloss_dpred, None),
    ("da/dz (ReLU mask)", nb.dpred_dz, c.dpred_dz, None),
    ("per-sample rows δᵢ·xᵢ", nb.per_sample, c.per_sample_grad_w, None),
    ("dL/dw", nb.grad_w, c.grad_w, [fd[k] for k in names[:-1]] if fd else None),
    ("dL/db", nb.grad_b, c.grad_b, fd.get("b")),
    ("new w", nb.new_w, c.new_w, None), ("new b", nb.new_b, c.new_b, None),
    ("loss after the step", nb.new_loss, c.new_loss, None),
]
why = {"dL/dw": f"✗ bug 1: divided by N = {n} a second time", "dL/db": f"✗ bug 1: divided by N = {n} a second time",
       "new w": "✗ bug 2: moved uphill (and bug 1: N times too little)", "new b": "✗ bug 2: moved uphill (and bug 1)",
       "loss after the step": f"✗ the notebook's loss {moves(nb.loss, nb.new_loss)}; the correct one "
                              f"{moves(c.loss, c.new_loss)}"}


def cell(v) -> str:
    v = np.asarray(v, dtype=float)
    if v.ndim == 2:
        shown = "; ".join(render.fmt_list(r, p) for r in v[:6])
        return f"[{shown}{'; …' if len(v) > 6 else ''}]"
    return f(v, p) if v.ndim == 0 else render.fmt_list(v[:20], p) + (" …" if v.size > 20 else "")


st.table(pd.DataFrame({
    "the notebook": [cell(a) for _, a, _, _ in rows],
    "correct": [cell(b) for _, _, b, _ in rows],
    "finite differences": ["" if d is None else cell(d) for *_, d in rows],
    "verdict": ["✓ same" if render.same(a, b) else why.get(q, "✗ differs") for q, a, b, _ in rows],
}, index=pd.Index([r[0] for r in rows], name="quantity")))
st.caption("Everything up to the per-sample rows agrees: the forward pass and the chain rule per sample are "
           "right. The trouble starts where the rows are combined, and again in the update. Finite differences "
           "measure the slope of the loss directly; they side with the correct column.")

for i, d in enumerate(nb.differences, 1):
    st.subheader(f"Bug {i}: {d.title}", anchor=False)
    st.markdown(d.explanation)
    st.code(f"# the notebook\n{d.notebook_code}\n# correct\n{d.correct_code}", language="python")
    a, b = st.columns(2)
    a.latex(r"\text{notebook: } " + d.notebook_latex)
    b.latex(r"\text{correct: } " + d.correct_latex)
    tex = lesson.latex
    if d.key == "double_mean":
        st.markdown("Where the 1/N belongs: the loss is a mean, and its derivative carries the 1/N once.")
        st.latex(r"L = \frac{1}{N}\sum_i (a_i - y_i)^2 \;\Rightarrow\; \frac{\partial L}{\partial a_i} = "
                 r"\underbrace{\frac{2}{N}}_{\text{the mean's } 1/N}(a_i - y_i), \qquad "
                 r"\frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial a_i}\,"
                 r"\frac{\partial a_i}{\partial z_i}\,\frac{\partial z_i}{\partial w} = \sum_i \delta_i\, x_i")
        st.markdown(f"On your numbers (N = {n}):")
        st.latex(rf"\text{{notebook: }} \frac{{1}}{{{n}}}\sum_i \delta_i x_i = \frac{{1}}{{{n}}}"
                 rf"{tex.row(c.grad_w, p)} = {tex.row(nb.grad_w, p)}, \qquad \frac{{1}}{{{n}}}\sum_i \delta_i = "
                 rf"\frac{{1}}{{{n}}} \cdot {tex.num(c.grad_b, p)} = {tex.num(nb.grad_b, p)}")
        st.latex(rf"\text{{correct: }} \sum_i \delta_i x_i = {tex.row(c.grad_w, p)}, \qquad "
                 rf"\sum_i \delta_i = {tex.num(c.grad_b, p)}")
    else:
        old = np.append(c.w, c.b)
        st.markdown("On your numbers, with θ = (w, b):")
        st.latex(rf"\text{{notebook: }} \theta' = {tex.row(old, p)} + {tex.num(nb.lr, p)} \cdot "
                 rf"{tex.row(np.append(nb.grad_w, nb.grad_b), p)} = {tex.row(np.append(nb.new_w, nb.new_b), p)}")
        st.latex(rf"\text{{correct: }} \theta' = {tex.row(old, p)} - {tex.num(c.lr, p)} \cdot {tex.row(c.grad, p)} = "
                 rf"{tex.row(np.append(c.new_w, c.new_b), p)}")

st.subheader("What each update does to the loss", anchor=False)
st.markdown(
    "For a small step η, the loss changes by about the step times the slope along it: "
    "−η‖∇L‖² for the correct step (down), and +η‖∇L‖²/N for the notebook's (up, N times slower). "
    "Run both rules for a number of steps from your parameters:"
)
if shown.stale:
    st.caption("These runs, like everything on this page, start from the last valid input.")
k = st.slider("Steps to run", 1, 200, 30, key="notebook_steps")
bad = state.trajectory(m, "notebook", k, activation="relu", loss="mse")
good = state.trajectory(m, "sgd", k, activation="relu", loss="mse")
if bad is not None and good is not None:
    render.loss_curves_ui([("the notebook: w + η·∇L/N", bad), ("correct: w − η·∇L", good)], "notebook-curves")
    st.table(pd.DataFrame({
        "loss at the start": [f(bad.loss[0], p), f(good.loss[0], p)],
        f"after {bad.n_steps} steps": [f(bad.loss[-1], p), f(good.loss[-1], p)],
        "stopped early": [f"diverged at step {t.diverged_at}" if t.diverged_at else "no" for t in (bad, good)],
    }, index=pd.Index(["the notebook", "correct"], name="update rule")))

st.subheader("How to catch these bugs yourself", anchor=False)
st.markdown(
    "1. **Check the gradient against finite differences.** The double mean fails by a factor of exactly N.\n"
    "2. **Check that one small step lowers the loss.** The sign bug raises it, however small the step.\n"
    "3. **Compare with an autograd library.** PyTorch computes the same numbers as the correct column:"
)
st.code(PYTORCH, language="python")
widgets.page_link("gradient_check", "Run the gradient check on your numbers")
widgets.page_link("step_by_step", "Follow the correct computation step by step")
