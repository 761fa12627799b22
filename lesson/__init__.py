"""What the lesson says about a trace: its steps (titles, formulas with numbers, explanations), the one number
format, the seed notebook's computation beside the correct one, and the exports (CSV, JSON, a NumPy script).

    import backprop as bp, lesson
    t = bp.forward_backward(X, w, b, y, lr=0.01)
    [s.title for s in lesson.steps(t, precision=4)]
    lesson.notebook_step(X, w, b, y, lr)

It reads traces of the `backprop` engine and computes no model quantity of its own (the notebook module
computes the notebook's buggy step, which is its subject).
"""

from . import export, latex
from .notebook import Difference, NotebookStep, notebook_step
from .steps import Step, inactive_why, step, steps

__all__ = ["Difference", "NotebookStep", "Step", "export", "inactive_why", "latex", "notebook_step", "step", "steps"]
