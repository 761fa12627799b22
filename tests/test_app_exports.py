"""The Data & sharing page's exports of a 3-class network with a penalty and mini-batch settings: the JSON and the
NumPy script carry K, the loss, the regularization and the batch settings; the script, run, prints every number of
every step as the step page's tables show it, and the mini-batches the training page trains on."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import numpy as np
from conftest import ENTRY, stepper_data
from streamlit.testing.v1 import AppTest
from test_export import run_script

LINK = ("X=0,0;1,0;0,1;1,1&y=0,1,2,1&hidden=3:tanh&W1=0.5,-0.3,0.8;0.2,0.7,-0.6&b1=0.1,0,-0.1"
        "&W2=1,-0.5,0.3;0.4,0.9,-0.7;-0.8,0.2,0.6&b2=0,0.1,-0.1&lr=0.1&activation=softmax&outputs=3&loss=ce"
        "&reg=l2&reg_rate=0.01&decimals=6&batch=2&seed=3&test=0.25&epochs=5")


def _open(page: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params = {k: v[0] for k, v in parse_qs(LINK).items()}
    at.switch_page(f"../pages/{page}.py")
    return at.run()


def _numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+(?:e[+-]\d+)?", text)


def test_the_exported_script_prints_every_steps_numbers_as_the_step_page_shows_them(tmp_path):
    steps = stepper_data(_open("step_by_step"))["steps"]
    at = _open("data")
    assert not at.exception and not at.error
    script = next(c.value for c in at.code if c.value.startswith('"""Backprop Explorer export'))
    assert "K = 3 outputs" in script and "Cross-entropy" in script and "L2 (weight decay) penalty, λ = 0.01" in script
    out = run_script(script, tmp_path)
    blocks = re.split(r"\n(?=\d+\. )", out.split("\nnew loss")[0])
    assert len(blocks) == len(steps)
    for k, (block, step) in enumerate(zip(blocks, steps, strict=True), 1):
        label = f"{k}. {step['short']}"
        assert block.startswith(label + " = ") or block.startswith(label + ":\n"), (block, label)
        block = block.removeprefix(label)
        table = [row for row in step["table"]["rows"] if not row[0].startswith("Σ")]  # the page's own sum row
        printed = [_numbers(line) for line in block.splitlines() if _numbers(line)]
        if len(printed) == 1 and len(printed[0]) == len(table) > 1:  # one number per table row (parameters)
            columns = [[row[j] for row in table] for j in range(1, len(table[0]))]
            assert printed[0] in columns, label
        else:  # one line per table row (samples), or one number
            for line, row in zip(printed, table, strict=True):
                cells = row[1:]
                assert any(cells[j:j + len(line)] == line for j in range(len(cells))), (label, line, row)


def test_the_json_and_the_script_carry_k_the_loss_the_penalty_and_the_batches(tmp_path):
    from lesson import export
    from ui import state, training

    at = _open("data")
    m = at.session_state["model"]
    settings = {"optimizer": "sgd", "batch_size": 2, "epochs": 5, "seed": 3, "test_fraction": 0.25}
    doc = json.loads(export.trace_json(state._trace(m.filled()), 6, settings))
    assert doc["settings"] | {"outputs": 3, "loss": "ce", "regularization": "l2", "reg_rate": 0.01} == doc["settings"]
    assert doc["training"] == settings and doc["architecture"]["outputs"] == 3
    script = next(c.value for c in at.code if c.value.startswith('"""Backprop Explorer export'))
    assert "BATCH_SIZE = 2" in script and "SEED = 3" in script and "TEST_FRACTION = 0.25" in script
    out = run_script(script, tmp_path)
    batches = [[int(i) for i in line.split("samples ")[1].split(", ")]
               for line in out.splitlines() if line.startswith("epoch 1, batch")]
    assert sorted(len(b) for b in batches) == [1, 2]  # 3 training samples (one held out), batches of 2
    # the training page's run took its steps on these batches: each step's batch objective, at the state it began
    net, X, y, params = m.engine()
    run = training.train_run(net, X, y, params, training.RunSettings("sgd", m.lr, 2, "l2", 0.01), 5, 0.25, 3, ())
    for k, batch in enumerate(batches):
        objective = net.forward_backward(X[batch], y[batch], run.at(k)).loss
        np.testing.assert_allclose(objective, run.batch_loss[k], rtol=1e-12)
