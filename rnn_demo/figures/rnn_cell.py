"""Figures of "The RNN cell, step by step": the weights X_t beside W_x (the current word's row framed), W_s, b and W_y
as annotated heatmaps, the sum that makes S_t, and the formula with the real numbers (LaTeX for st.latex). They take
plain arrays (an unrolled sentence's fields) and import nothing of Keras."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.figures.common import FONT_SIZE, STATE_SCALE, safe


def _heatmap(z, x, y, bound: float, show_scale: bool = False) -> go.Heatmap:
    return go.Heatmap(z=z, x=x, y=y, zmin=-bound, zmax=bound, zmid=0, colorscale=STATE_SCALE, xgap=2, ygap=2,
                      texttemplate="%{z:.2f}", textfont=dict(size=FONT_SIZE), showscale=show_scale,
                      colorbar=dict(title=dict(text="value (brown < 0 < teal)", side="right",
                                               font=dict(size=FONT_SIZE)), tickfont=dict(size=FONT_SIZE)),
                      hovertemplate="row %{y}, column %{x}: %{z:.4f}<extra></extra>")


def _bound(*arrays) -> float:
    return max(1.0, float(np.abs(np.concatenate([np.ravel(a) for a in arrays])).max()))


def input_weights_figure(words: Sequence[str], X_t: np.ndarray, W_x: np.ndarray, word_index: int,
                         bound: float) -> go.Figure:
    """X_t (one-hot, one row per vocabulary word) beside W_x (words x units); the row of W_x that X_t selects (the
    current word) is framed. `bound`: the colour range, shared with the other weight figures."""
    labels = [safe(word) for word in words]
    units = [f"unit {u + 1}" for u in range(W_x.shape[1])]
    figure = make_subplots(rows=1, cols=2, column_widths=[0.2, 0.8], horizontal_spacing=0.03, shared_yaxes=True,
                           subplot_titles=["X<sub>t</sub>", "W<sub>x</sub>"])
    figure.add_trace(go.Heatmap(z=np.asarray(X_t)[:, None], x=["X_t"], y=labels, zmin=0, zmax=1, showscale=False,
                                colorscale=[[0, "#f7f7f7"], [1, "#333333"]], texttemplate="%{z:.0f}", xgap=2, ygap=2,
                                textfont=dict(size=FONT_SIZE), hovertemplate="%{y}: %{z:.0f}<extra></extra>"),
                     row=1, col=1)
    figure.add_trace(_heatmap(W_x, units, labels, bound, show_scale=True), row=1, col=2)
    for col, right in ((1, 0.5), (2, W_x.shape[1] - 0.5)):
        figure.add_shape(type="rect", x0=-0.5, x1=right, y0=word_index - 0.5, y1=word_index + 0.5,
                         line=dict(color="#CC79A7", width=4), row=1, col=col)
    figure.update_yaxes(autorange="reversed", tickfont=dict(size=FONT_SIZE))
    figure.update_xaxes(tickfont=dict(size=FONT_SIZE), side="top", showticklabels=False)
    figure.update_annotations(font=dict(size=FONT_SIZE + 2))
    figure.update_layout(height=110 + 34 * len(labels), margin=dict(l=10, r=10, t=40, b=10),
                         font=dict(size=FONT_SIZE))
    return figure


def recurrent_weights_figure(W_s: np.ndarray, b: np.ndarray, W_y: np.ndarray, bound: float) -> go.Figure:
    """W_s (units x units: row = unit of S_(t-1), column = unit of S_t), b (one per unit) and W_y (units x 1)."""
    units = [f"unit {u + 1}" for u in range(W_s.shape[0])]
    figure = make_subplots(rows=1, cols=3, column_widths=[0.5, 0.3, 0.2], horizontal_spacing=0.1,
                           subplot_titles=["W<sub>s</sub>", "b (as a column)", "W<sub>y</sub>"])
    figure.add_trace(_heatmap(W_s, units, units, bound), row=1, col=1)
    figure.add_trace(_heatmap(np.asarray(b)[:, None], ["b"], units, bound), row=1, col=2)
    figure.add_trace(_heatmap(np.asarray(W_y).reshape(-1, 1), ["W_y"], units, bound), row=1, col=3)
    figure.update_yaxes(autorange="reversed", tickfont=dict(size=FONT_SIZE))
    figure.update_yaxes(showticklabels=False, row=1, col=3)
    figure.update_yaxes(showticklabels=False, row=1, col=2)
    figure.update_xaxes(tickfont=dict(size=FONT_SIZE), showticklabels=False)
    figure.update_annotations(font=dict(size=FONT_SIZE + 2))
    figure.update_layout(height=80 + 45 * len(units), margin=dict(l=10, r=10, t=40, b=10), font=dict(size=FONT_SIZE))
    return figure


def step_figure(input_part: np.ndarray, state_part: np.ndarray, b: np.ndarray, pre_activation: np.ndarray,
                S_t: np.ndarray) -> go.Figure:
    """The sum that makes S_t, one row per term, one column per unit: X_t·W_x, S_(t-1)·W_s, b, their sum, tanh."""
    rows = ["X_t·W_x", "S_(t-1)·W_s", "b", "sum", "S_t = tanh(sum)"]
    z = np.vstack([input_part, state_part, b, pre_activation, S_t])
    bound = max(1.0, float(np.abs(z).max()))
    figure = go.Figure(_heatmap(z, [f"unit {u + 1}" for u in range(z.shape[1])], rows, bound, show_scale=True))
    figure.add_hline(y=2.5, line=dict(color="#333333", width=3))
    figure.update_yaxes(autorange="reversed", tickfont=dict(size=FONT_SIZE))
    figure.update_xaxes(tickfont=dict(size=FONT_SIZE), side="top")
    figure.update_layout(height=330, margin=dict(l=10, r=10, t=40, b=10), font=dict(size=FONT_SIZE))
    return figure


def _row(values) -> str:
    """A LaTeX row vector with the numbers to 2 decimals."""
    return r"\begin{bmatrix}" + " & ".join(f"{float(v):.2f}" for v in np.ravel(values)) + r"\end{bmatrix}"


def step_latex(t: int, input_part, state_part, b, pre_activation, S_t, W_y, b_y, Y_t: float) -> tuple[str, str]:
    """The two formulas of step t (1-based) with the real numbers: S_t = tanh(...) over three lines, and Y_t."""
    state = (rf"\begin{{aligned}} S_{{{t}}} &= \tanh(X_{{{t}}} W_x + S_{{{t - 1}}} W_s + b) \\ "
             rf"&= \tanh\left({_row(input_part)} + {_row(state_part)} + {_row(b)}\right) \\ "
             rf"&= \tanh{_row(pre_activation)} = {_row(S_t)} \end{{aligned}}")
    product, bias = float(np.ravel(np.asarray(S_t) @ np.asarray(W_y))[0]), float(np.ravel(b_y)[0])
    output = (rf"Y_{{{t}}} = \sigma(S_{{{t}}} W_y + b_y) = \sigma({product:.2f} {'+' if bias >= 0 else '-'} "
              rf"{abs(bias):.2f}) = \sigma({product + bias:.2f}) = {Y_t:.3f}")
    return state, output
