"""Figures of the activations and losses page: each activation with its derivative and the region where the
derivative vanishes, softmax bars with their Jacobian, loss curves with the gradient as a tangent, and a gradient
fading back through a simple RNN's steps (log scale)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.core import losses
from rnn_demo.core.activations import (
    ACTIVATIONS,
    VANISHING_SLOPE,
    GradientChain,
    slope_at,
    slope_text,
    softmax,
    softmax_jacobian,
    vanishing_intervals,
)
from rnn_demo.figures.common import DIFFERENCE_SCALE, FONT_SIZE, GATE_SCALE

# Okabe-Ito colours other than the sentiment pair, so nothing here reads as positive or negative.
FUNCTION_COLOR = "#000000"  # f(x) and loss curves
DERIVATIVE_COLOR = "#E69F00"  # f'(x): orange
MARK_COLOR = "#CC79A7"  # the user's input or prediction, and the tangent: reddish purple
SECOND_COLOR = "#56B4E9"  # a second curve in the same panel: sky blue
VANISH_FILL = "rgba(120, 120, 120, 0.22)"  # shaded where a slope vanishes
VANISH_LINE = "#666666"  # the vanishing threshold as a line
X_RANGE = (-8.0, 8.0)  # the input range the activations are drawn over
PREDICTION_RANGE = (-2.0, 2.0)  # the regression predictions the loss panel draws (the page's slider range)


def _style(figure: go.Figure, height: int, legend_right: bool = False) -> go.Figure:
    """Projector-readable text (nothing under FONT_SIZE, set on every axis because Streamlit's chart theme sets
    smaller tick fonts), legend below the plots or at their right, tight margins."""
    legend = (dict(orientation="v", x=1.02, y=1.0, xanchor="left") if legend_right else
              dict(orientation="h", x=0.5, xanchor="center", y=-0.3, yanchor="top"))
    figure.update_layout(height=height, font=dict(size=FONT_SIZE), margin=dict(l=60, r=20, t=36, b=20),
                         legend=dict(**legend, font=dict(size=FONT_SIZE)), hoverlabel=dict(font_size=FONT_SIZE))
    axis_fonts = dict(tickfont=dict(size=FONT_SIZE), title_font=dict(size=FONT_SIZE))
    figure.update_xaxes(**axis_fonts)
    figure.update_yaxes(**axis_fonts)
    figure.update_annotations(font_size=FONT_SIZE + 2)  # subplot titles
    return figure


def activation_figure(x: float, threshold: float = VANISHING_SLOPE) -> go.Figure:
    """sigmoid, tanh and ReLU side by side: f (solid), f' (dashed), the input x marked on both, and the x where
    f' < threshold shaded."""
    names = list(ACTIVATIONS)
    titles = [f"{name}: slope {slope_text(slope_at(name, x).slope)} at x = {x:g}" for name in names]
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=titles, horizontal_spacing=0.06)
    grid = np.linspace(*X_RANGE, 401)
    for col, name in enumerate(names, start=1):
        activation, first = ACTIVATIONS[name], col == 1
        for band, (low, high) in enumerate(vanishing_intervals(name, threshold)):
            low, high = max(low, X_RANGE[0]), min(high, X_RANGE[1])
            figure.add_trace(go.Scatter(  # a filled band as a trace, so it has a legend entry
                x=[low, high, high, low, low], y=[-5, -5, 5, 5, -5], fill="toself", fillcolor=VANISH_FILL,
                line=dict(width=0), mode="lines", name=f"slope below {threshold:g}: the gradient vanishes",
                legendgroup="vanish", showlegend=first and band == 0, hoverinfo="skip"), row=1, col=col)
        figure.add_trace(go.Scatter(x=grid, y=activation.function(grid), mode="lines", name="f(x)",
                                    line=dict(color=FUNCTION_COLOR, width=3), legendgroup="f", showlegend=first,
                                    hovertemplate=f"{name}(%{{x:.2f}}) = %{{y:.3f}}<extra></extra>"), row=1, col=col)
        figure.add_trace(go.Scatter(x=grid, y=activation.derivative(grid), mode="lines", name="slope f'(x)",
                                    line=dict(color=DERIVATIVE_COLOR, width=3, dash="dash"), legendgroup="d",
                                    showlegend=first, hovertemplate=f"{name}'(%{{x:.2f}}) = %{{y:.4f}}<extra></extra>"),
                         row=1, col=col)
        value, slope = float(activation.function(x)), float(activation.derivative(x))
        figure.add_trace(go.Scatter(x=[x, x], y=[value, slope], mode="markers", name="your x",
                                    marker=dict(color=MARK_COLOR, size=13, line=dict(color="white", width=1)),
                                    legendgroup="x", showlegend=first, customdata=["f(x)", "f'(x)"],
                                    hovertemplate="x = %{x:.2f}: %{customdata} = %{y:.4f}<extra></extra>"),
                         row=1, col=col)
        figure.add_vline(x=x, line=dict(color=MARK_COLOR, width=1, dash="dot"), row=1, col=col)
        y_range = [-1.15, 1.15] if name == "tanh" else [-0.1, 1.1]
        figure.update_yaxes(range=y_range, row=1, col=col)
    figure.update_xaxes(title_text="input x", range=list(X_RANGE))
    figure.update_yaxes(title_text="f(x) and slope f'(x)", row=1, col=1)
    figure.update_xaxes(range=list(X_RANGE), row=1, col=3)
    figure.update_yaxes(range=[-0.1, 2.1], row=1, col=3)  # ReLU goes on upwards; show its first part
    return _style(figure, 310)


def softmax_figure(z, temperature: float) -> go.Figure:
    """Left: the probabilities softmax(z / T) as bars (sequential colours, 0 to 1). Right: the Jacobian dp_i/dz_j
    as a heatmap (diverging colours, 0 in the middle), with its numbers."""
    z = np.asarray(z, dtype=np.float64)
    p, jacobian = softmax(z, temperature), softmax_jacobian(z, temperature)
    labels = [f"z{i + 1} = {value:g}" for i, value in enumerate(z)]
    figure = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.14,
                           subplot_titles=[f"probabilities softmax(z / T), T = {temperature:g}",
                                           "slopes dp_i / dz_j (the Jacobian)"])
    figure.add_trace(go.Bar(x=labels, y=p, marker=dict(color=p, colorscale=GATE_SCALE, cmin=0, cmax=1),
                            text=[f"{value:.1%}" for value in p], textposition="outside", showlegend=False,
                            textfont=dict(size=FONT_SIZE), hovertemplate="%{x}: p = %{y:.4f}<extra></extra>"),
                     row=1, col=1)
    bound = 0.25 / temperature  # the largest any entry can be, so a saturated softmax looks pale, not loud
    names = [f"p{i + 1}" for i in range(z.size)], [f"z{j + 1}" for j in range(z.size)]
    figure.add_trace(go.Heatmap(
        z=jacobian, x=names[1], y=names[0], zmin=-bound, zmax=bound, colorscale=DIFFERENCE_SCALE,
        text=[[f"{value:.3f}" for value in row] for row in jacobian], texttemplate="%{text}",
        textfont=dict(size=FONT_SIZE), colorbar=dict(title=dict(text="dp_i/dz_j", font=dict(size=FONT_SIZE)),
                                                     tickfont=dict(size=FONT_SIZE), x=1.0),
        hovertemplate="d%{y} / d%{x} = %{z:.4f}<extra></extra>"), row=1, col=2)
    figure.update_yaxes(title_text="probability", range=[0, 1.15], tickformat=".0%", row=1, col=1)
    figure.update_yaxes(autorange="reversed", title_text="probability p_i", row=1, col=2)
    figure.update_xaxes(title_text="input z_j", row=1, col=2)
    return _style(figure, 300)


def _tangent(x0: float, y0: float, slope: float, half_width: float) -> tuple[list[float], list[float]]:
    return [x0 - half_width, x0 + half_width], [y0 - slope * half_width, y0 + slope * half_width]


def loss_figure(target: float, prediction: float, label: int, p_binary: float, p_true_class: float) -> go.Figure:
    """Three panels: MSE and MAE against the prediction y_hat (target fixed), binary crossentropy against p (true
    label fixed) and categorical crossentropy against the true class's probability; each current prediction is
    marked and its gradient drawn as the tangent there."""
    titles = [f"regression: target y = {target:g}", f"binary: true label y = {label}",
              "multiclass: loss = −log p(true class)"]
    figure = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.07)
    y_hat = np.linspace(*PREDICTION_RANGE, 201)
    probabilities = np.linspace(0.005, 0.995, 199)
    one_hot = [1.0, 0.0, 0.0]

    def cce(p):  # the true class gets p, the two others share the rest equally
        return losses.categorical_crossentropy(one_hot, [p, (1 - p) / 2, (1 - p) / 2])

    panels = [  # (col, name, colour, dash, curve x, loss(x), gradient(x), current x)
        (1, "MSE", FUNCTION_COLOR, "solid", y_hat, lambda v: losses.mse([target], [v]),
         lambda v: float(losses.mse_gradient([target], [v])[0]), prediction),
        (1, "MAE", SECOND_COLOR, "dash", y_hat, lambda v: losses.mae([target], [v]),
         lambda v: float(losses.mae_gradient([target], [v])[0]), prediction),
        (2, "binary crossentropy", FUNCTION_COLOR, "solid", probabilities,
         lambda v: losses.binary_crossentropy([label], [v]),
         lambda v: float(losses.binary_crossentropy_gradient([label], [v])[0]), p_binary),
        (3, "categorical crossentropy", FUNCTION_COLOR, "solid", probabilities, cce,
         lambda v: float(losses.categorical_crossentropy_gradient(one_hot, [v, (1 - v) / 2, (1 - v) / 2])[0]),
         p_true_class),
    ]
    for col, name, colour, dash, xs, loss, gradient, current in panels:
        figure.add_trace(go.Scatter(x=xs, y=[loss(v) for v in xs], mode="lines", name=name, showlegend=col == 1,
                                    legendrank=1 if name == "MSE" else 2,
                                    line=dict(color=colour, width=3, dash=dash),
                                    hovertemplate=f"{name} at %{{x:.3f}}: %{{y:.3f}}<extra></extra>"), row=1, col=col)
        value, slope = loss(current), gradient(current)
        # Steep tangents are drawn shorter, so every tangent has about the same length on screen.
        half_width = 0.5 / math.sqrt(1 + slope ** 2 / 16) if col == 1 else 0.12 / math.sqrt(1 + slope ** 2 / 25)
        tangent_x, tangent_y = _tangent(current, value, slope, half_width)
        figure.add_trace(go.Scatter(x=tangent_x, y=tangent_y, mode="lines", line=dict(color=MARK_COLOR, width=3),
                                    name="gradient = slope of the tangent", legendgroup="tangent",
                                    showlegend=col == 1 and name == "MSE", hoverinfo="skip"), row=1, col=col)
        figure.add_trace(go.Scatter(x=[current], y=[value], mode="markers", name="your prediction",
                                    legendgroup="mark", showlegend=col == 1 and name == "MSE",
                                    marker=dict(color=MARK_COLOR, size=13, line=dict(color="white", width=1)),
                                    hovertemplate=f"{name}: loss %{{y:.3f}}, gradient {slope:.3f}<extra></extra>"),
                         row=1, col=col)
    figure.update_xaxes(title_text="prediction ŷ", row=1, col=1)
    figure.update_xaxes(title_text="predicted P(class 1) p", range=[0, 1], row=1, col=2)
    figure.update_xaxes(title_text="p given to the true class", range=[0, 1], row=1, col=3)
    figure.update_xaxes(range=list(PREDICTION_RANGE), row=1, col=1)
    figure.update_yaxes(title_text="loss", rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 5.5], row=1, col=2)
    figure.update_yaxes(range=[0, 5.5], row=1, col=3)
    return _style(figure, 300)


def gradient_chain_figure(chain: GradientChain) -> go.Figure:
    """|dS_T / dS_(T-k)| against k on a log scale, split into the tanh slopes' share and the weight's share."""
    figure = go.Figure()
    curves = [("|dS_T / dS_(T−k)|: the gradient k steps back", chain.gradient, FUNCTION_COLOR, "solid"),
              ("product of the k tanh slopes", chain.tanh_slopes, DERIVATIVE_COLOR, "dash"),
              ("|W_s|^k: the recurrent weight's share", chain.weight_factor, SECOND_COLOR, "dot"),
              ("0.25^k: k sigmoid slopes at their very best", chain.sigmoid_best, MARK_COLOR, "dashdot")]
    for name, values, colour, dash in curves:
        figure.add_trace(go.Scatter(x=chain.steps_back, y=np.where(values > 0, values, np.nan), name=name,
                                    mode="lines+markers", line=dict(color=colour, width=3, dash=dash),
                                    marker=dict(size=6), hovertemplate=f"k = %{{x}}: %{{y:.2e}}<extra></extra>"))
    figure.add_hline(y=VANISHING_SLOPE, line=dict(color=VANISH_LINE, width=2, dash="dot"),
                     annotation=dict(text=f"below {VANISHING_SLOPE:g}: vanished",
                                     font=dict(size=FONT_SIZE, color=VANISH_LINE)))
    figure.update_xaxes(title_text="k: steps back from the last step")
    figure.update_yaxes(type="log", title_text="factor (log scale)", exponentformat="power")
    return _style(figure, 300, legend_right=True)
