"""The Salesforce variables choose one OAuth flow, or fail at once naming the variable."""

from __future__ import annotations

import pytest

from pipelines import settings
from pipelines.settings import SettingsError
from tests.sandbox.jwt_keys import key_pair


def test_a_client_secret_alone_is_the_client_credentials_flow():
    chosen = settings.salesforce({"SALESFORCE_CLIENT_SECRET": "s"})
    assert chosen.username is None and chosen.private_key_file is None
    assert chosen.bulk_threshold == 500_000


def test_a_username_and_a_key_file_are_the_jwt_bearer_flow(tmp_path):
    key = tmp_path / "server.key"
    key.write_text(key_pair().private_key)
    chosen = settings.salesforce({"SALESFORCE_USERNAME": "etl@acme.example",
                                  "SALESFORCE_PRIVATE_KEY_FILE": str(key),
                                  "SALESFORCE_BULK_THRESHOLD": "0"})
    assert (chosen.username, chosen.private_key_file, chosen.bulk_threshold) == (
        "etl@acme.example", key, 0)


@pytest.mark.parametrize(("environ", "variable"), [
    ({"SALESFORCE_CLIENT_SECRET": "s", "SALESFORCE_USERNAME": "u", "SALESFORCE_PRIVATE_KEY": "k"},
     "SALESFORCE_CLIENT_SECRET"),
    ({"SALESFORCE_PRIVATE_KEY": "k"}, "SALESFORCE_USERNAME"),
    ({"SALESFORCE_USERNAME": "u"}, "SALESFORCE_PRIVATE_KEY_FILE"),
    ({"SALESFORCE_USERNAME": "u", "SALESFORCE_PRIVATE_KEY": "k",
      "SALESFORCE_PRIVATE_KEY_FILE": "/etc/hostname"}, "SALESFORCE_PRIVATE_KEY_FILE"),
    ({"SALESFORCE_USERNAME": "u", "SALESFORCE_PRIVATE_KEY_FILE": "/no/such.key"},
     "SALESFORCE_PRIVATE_KEY_FILE"),
    ({"SALESFORCE_BULK_THRESHOLD": "lots"}, "SALESFORCE_BULK_THRESHOLD"),
])
def test_inconsistent_variables_fail_naming_the_variable(environ, variable):
    with pytest.raises(SettingsError) as error:
        settings.salesforce(environ)
    assert error.value.variable == variable and str(error.value).startswith(variable)


def test_a_key_file_without_a_pem_key_is_refused_without_showing_it(tmp_path):
    key = tmp_path / "server.key"
    key.write_text("hunter2")
    with pytest.raises(SettingsError, match="does not hold a PEM private key") as error:
        settings.salesforce({"SALESFORCE_USERNAME": "u", "SALESFORCE_PRIVATE_KEY_FILE": str(key)})
    assert "hunter2" not in str(error.value)
