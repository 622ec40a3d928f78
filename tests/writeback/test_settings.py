"""SAMEPAGE_WRITEBACK and SAMEPAGE_WRITEBACK_MAX_SHARE are checked, naming the variable."""

import pytest

from pipelines.settings import SettingsError, writeback


def test_the_default_is_plan_with_a_fifth():
    assert writeback({}) == writeback({"SAMEPAGE_WRITEBACK": " ",
                                       "SAMEPAGE_WRITEBACK_MAX_SHARE": ""})
    settings = writeback({})
    assert (settings.mode, settings.max_share) == ("plan", 0.2)
    assert writeback({"SAMEPAGE_WRITEBACK": "Apply",
                      "SAMEPAGE_WRITEBACK_MAX_SHARE": "1"}).mode == "apply"


@pytest.mark.parametrize(("environ", "variable"), [
    ({"SAMEPAGE_WRITEBACK": "yes"}, "SAMEPAGE_WRITEBACK"),
    ({"SAMEPAGE_WRITEBACK_MAX_SHARE": "20%"}, "SAMEPAGE_WRITEBACK_MAX_SHARE"),
    ({"SAMEPAGE_WRITEBACK_MAX_SHARE": "1.5"}, "SAMEPAGE_WRITEBACK_MAX_SHARE"),
    ({"SAMEPAGE_WRITEBACK_MAX_SHARE": "nan"}, "SAMEPAGE_WRITEBACK_MAX_SHARE"),
])
def test_a_bad_value_fails_naming_the_variable(environ, variable):
    with pytest.raises(SettingsError) as error:
        writeback(environ)
    assert error.value.variable == variable
