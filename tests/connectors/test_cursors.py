"""Cursor text: canonical UTC with milliseconds, exact to the millisecond both ways."""

import pytest

from connectors.cursors import canonical, to_millis


def test_canonical_cursor_text_is_kept_and_checked():
    assert canonical("2025-01-02T03:04:05.678Z") == "2025-01-02T03:04:05.678Z"
    assert canonical("2025-01-02T05:04:05.678+02:00") == "2025-01-02T03:04:05.678Z"
    with pytest.raises(ValueError):
        canonical("2025-02-30T03:04:05.678Z")  # looks canonical, is no time


@pytest.mark.parametrize("millis", [1049999055, 2099998110, 4219996202, 1735787045678,
                                    2208988800001, 4102444799999])
def test_cursor_text_round_trips_to_the_millisecond(millis):
    # a float timestamp x 1000 lands a millisecond short for instants like the first three
    text = canonical(millis)
    assert to_millis(text) == millis
    assert to_millis(text.replace("Z", "+00:00")) == millis
