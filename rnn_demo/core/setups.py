"""The five set-ups of the course (one-to-one, one-to-many, many-to-one, many-to-many synced, encoder-decoder) as the
steps an unrolled diagram draws. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One time step of an unrolled diagram: does X_t feed the state, does the state give Y_t, and their labels."""

    has_input: bool  # an input X_t enters at this step
    has_output: bool  # an output Y_t leaves at this step
    input_label: str = ""  # what X_t is in the current example, e.g. a word
    output_label: str = ""  # what Y_t is in the current example, e.g. a tag


SETUPS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many_synced", "encoder_decoder")


def unrolled_steps(setup: str, inputs: list[str], outputs: list[str]) -> list[Step]:
    """The steps of `setup` unrolled over the current example: `inputs` label the X_t, `outputs` label the Y_t.

    one_to_one and one_to_many take one input; many_to_one gives one output; the synced set-up pairs them step by
    step; the encoder-decoder reads every input first, then writes every output, each fed back as the next input."""
    if setup not in SETUPS:
        raise ValueError(f"setup must be one of {', '.join(SETUPS)}, got {setup!r}.")
    if setup in ("one_to_one", "one_to_many") and len(inputs) != 1:
        raise ValueError(f"{setup} takes exactly one input, got {len(inputs)}.")
    if setup in ("one_to_one", "many_to_one") and len(outputs) != 1:
        raise ValueError(f"{setup} gives exactly one output, got {len(outputs)}.")
    if setup == "many_to_many_synced" and len(inputs) != len(outputs):
        raise ValueError(f"the synced set-up needs one output per input, got {len(inputs)} and {len(outputs)}.")
    if not inputs or not outputs:
        raise ValueError("a diagram needs at least one input and one output.")
    if setup == "one_to_one":
        return [Step(True, True, inputs[0], outputs[0])]
    if setup == "one_to_many":
        return [Step(t == 0, True, inputs[0] if t == 0 else "", out) for t, out in enumerate(outputs)]
    if setup == "many_to_one":
        last = len(inputs) - 1
        return [Step(True, t == last, x, outputs[0] if t == last else "") for t, x in enumerate(inputs)]
    if setup == "many_to_many_synced":
        return [Step(True, True, x, y) for x, y in zip(inputs, outputs)]
    # The decoder's input at each step is the token it wrote the step before, starting from <start>.
    fed_back = ["<start>", *outputs[:-1]]
    return [Step(True, False, x) for x in inputs] + [Step(True, True, x, y) for x, y in zip(fed_back, outputs)]
