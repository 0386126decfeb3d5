"""Many-to-one, time-series prediction: daily website traffic (trend + weekly seasonality + holidays and sales days
+ noise). An LSTM reads a window of days and its last state gives the next day's visits. The yardstick is the
seasonal-naive forecast "same weekday last week"."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from rnn_demo.lessons.tasks.common import (
    Events,
    StopFlag,
    TaskResult,
    check_number,
    check_seed,
    fit,
    initializers,
)

N_DAYS = 3 * 364  # days in the generated series (three 52-week years)
FIRST_DAY = np.datetime64("2024-01-01")  # a Monday
WINDOW = 21  # days the model reads before forecasting the next one
TEST_START = int(N_DAYS * 0.8)  # the forecasts reported and shown are for days from here on, never trained on
FORECAST_DAYS = 14  # days the page forecasts one after another, each from the true window before it
WEEKLY = np.array([1.0, 1.08, 1.1, 1.05, 0.95, 0.62, 0.55])  # Monday..Sunday traffic relative to the trend
HOLIDAYS = (0, 120, 358, 359)  # day of the 364-day year when traffic dips (new year, 1 May, Christmas)
SALES = (194, 331)  # days of the year with a spike (summer sale, Black Friday)
EFFECT = {-1: 0.5, 1: 1.9}  # traffic factor on a holiday (-1) and on a sales or promotion day (+1)


@dataclass(frozen=True)
class Series:
    """One generated traffic series."""

    visits: np.ndarray  # (N_DAYS,) visits per day
    events: np.ndarray  # (N_DAYS,) -1 holiday, +1 sales day, 0 ordinary day; known in advance like a calendar
    dates: np.ndarray  # (N_DAYS,) datetime64[D]


def make_series(seed: int = 0, holidays: bool = True) -> Series:
    """Trend + weekly pattern + calendar events (fixed holidays and sales, plus promotions placed by `seed`) + 5%
    noise. With `holidays=False` the same series without any events."""
    rng = np.random.default_rng(seed)
    days = np.arange(N_DAYS)
    events = np.zeros(N_DAYS, dtype="int64")
    for year in range(N_DAYS // 364):
        events[[364 * year + d for d in HOLIDAYS]] = -1
        events[[364 * year + d for d in SALES]] = 1
        promotions = 364 * year + rng.choice(np.setdiff1d(np.arange(364), HOLIDAYS + SALES), 8, replace=False)
        events[promotions] = 1
    noise = 1 + 0.05 * rng.standard_normal(N_DAYS)
    if not holidays:
        events[:] = 0
    effect = np.where(events < 0, EFFECT[-1], np.where(events > 0, EFFECT[1], 1.0))
    visits = (1000 + 0.6 * days) * WEEKLY[days % 7] * effect * noise
    return Series(visits, events, FIRST_DAY + days.astype("timedelta64[D]"))


def windows(series: Series, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (n, WINDOW, 3) for forecasting each day in `targets`, their answers (n, 1) and each window's level.

    Per step: visits / the window's mean (so the model sees the shape, not the trend), today's event, tomorrow's
    event. Answers are scaled by the same level."""
    starts = np.asarray(targets) - WINDOW
    index = starts[:, None] + np.arange(WINDOW)  # (n, WINDOW) day numbers
    level = series.visits[index].mean(axis=1, keepdims=True)  # (n, 1)
    x = np.stack([series.visits[index] / level, series.events[index], series.events[index + 1]], axis=-1)
    return x.astype("float32"), (series.visits[targets][:, None] / level).astype("float32"), level[:, 0]


def build_model(units: int = 32, seed: int = 0) -> keras.Model:
    """LSTM over the window -> last state -> Dense(1): tomorrow's visits relative to the window's level."""
    init = initializers(seed)
    days = keras.Input((None, 3), name="days")  # (batch, time, [visits, event today, event tomorrow])
    state = layers.LSTM(units, name="lstm", **init(recurrent=True))(days)  # (batch, units): the final state only
    forecast = layers.Dense(1, name="next_day", **init())(state)
    model = keras.Model(days, forecast, name="traffic_forecaster")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mae")
    return model


def _forecast(model: keras.Model, series: Series, targets: np.ndarray) -> np.ndarray:
    x, _, level = windows(series, targets)
    return np.asarray(model(x, training=False))[:, 0] * level


def train(epochs: int = 35, batch_size: int = 64, units: int = 32, seed: int = 0,
          on_event: Events = None, should_stop: StopFlag = None) -> TaskResult:
    """Train on the first 80% of the days; report MAE (visits) on the rest next to the seasonal-naive MAE."""
    check_seed(seed)
    series = make_series(seed)
    x, y, _ = windows(series, np.arange(WINDOW, TEST_START - 1))
    model = build_model(units=units, seed=seed)
    fitted = fit(model, x, y, epochs=epochs, batch_size=batch_size, seed=seed, on_event=on_event,
                 should_stop=should_stop)
    test = np.arange(TEST_START, N_DAYS - 1)
    truth = series.visits[test]
    mae = float(np.abs(_forecast(model, series, test) - truth).mean())
    naive_mae = float(np.abs(series.visits[test - 7] - truth).mean())
    return TaskResult(model, {"mae": mae, "naive_mae": naive_mae}, fitted.seconds, fitted.stopped)


START_RANGE = (TEST_START, N_DAYS - 1 - FORECAST_DAYS)  # first forecast days the page may choose


def window_labels(start_day: int) -> list[str]:
    """Weekday and date of each day in the window read before `start_day`, e.g. "Mon 05-25"."""
    check_number("start day (a held-out day)", start_day, *START_RANGE, whole=True)
    days = np.arange(int(start_day) - WINDOW, int(start_day))
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # day 0 is a Monday
    return [f"{names[d % 7]} {str(FIRST_DAY + np.timedelta64(int(d), 'D'))[5:]}" for d in days]


def answer(model: keras.Model, start_day: int, holidays: bool = True, seed: int = 0) -> dict:
    """Forecast FORECAST_DAYS days from `start_day` on, each from the true window before it. Returns plain lists:
    dates, history (the WINDOW days before), truth, forecast, naive (last week's value), events, and both MAEs."""
    check_number("start day (a held-out day)", start_day, *START_RANGE, whole=True)
    start_day = int(start_day)
    series = make_series(seed, holidays=bool(holidays))
    targets = np.arange(start_day, start_day + FORECAST_DAYS)
    forecast, truth, naive = _forecast(model, series, targets), series.visits[targets], series.visits[targets - 7]
    shown = np.arange(start_day - WINDOW, start_day + FORECAST_DAYS)
    return {
        "dates": [str(d) for d in series.dates[shown]],
        "history": series.visits[start_day - WINDOW:start_day].tolist(),
        "truth": truth.tolist(), "forecast": forecast.tolist(), "naive": naive.tolist(),
        "events": series.events[shown].tolist(),
        "mae": float(np.abs(forecast - truth).mean()), "naive_mae": float(np.abs(naive - truth).mean()),
    }
