"""The `samepage sandbox` command: generate, advance and serve, as a user runs them."""

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

SAMEPAGE = str(Path(sys.executable).parent / "samepage")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SAMEPAGE, "sandbox", *args], capture_output=True, text=True,
                          check=True, timeout=120)


def test_generate_then_advance_rewrites_world_and_truth(tmp_path):
    world_file = tmp_path / "world.json"
    run("generate", "--seed", "5", "--scale", "200", "--out", str(world_file))
    truth_file = tmp_path / "world.truth.json"
    before = json.loads(world_file.read_text())
    assert json.loads(truth_file.read_text())["clock"] == before["clock"]

    run("advance", "--world", str(world_file), "--days", "2")
    after = json.loads(world_file.read_text())
    assert after["generator"] == before["generator"]
    assert after["clock"] > before["clock"]
    assert json.loads(truth_file.read_text())["clock"] == after["clock"]


def test_a_hand_written_world_refuses_to_advance(tmp_path):
    world_file = tmp_path / "hand.json"
    world_file.write_text(json.dumps({"format": "samepage-world/1",
                                      "clock": "2026-01-01T00:00:00.000Z"}))
    result = subprocess.run([SAMEPAGE, "sandbox", "advance", "--world", str(world_file),
                             "--days", "1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "only generated worlds advance" in result.stderr


def test_serve_prints_the_environment_and_answers_both_apis(tmp_path):
    world_file = tmp_path / "world.json"
    run("generate", "--seed", "5", "--scale", "200", "--out", str(world_file))
    server = subprocess.Popen([SAMEPAGE, "sandbox", "--world", str(world_file), "--port", "0",
                               "--error-rate", "0"], stdout=subprocess.PIPE, text=True)
    try:
        env = {}
        deadline = time.monotonic() + 60
        while len(env) < 5 and time.monotonic() < deadline:
            line = server.stdout.readline()
            if line.strip().startswith("export "):
                name, value = line.strip()[len("export "):].split("=", 1)
                env[name] = value
        url = env["HUBSPOT_API_BASE"]
        assert requests.get(f"{url}/_sandbox/health", timeout=5).json()["status"] == "ok"
        contacts = requests.get(f"{url}/crm/v3/objects/contacts", timeout=5, headers={
            "Authorization": f"Bearer {env['HUBSPOT_ACCESS_TOKEN']}"})
        assert contacts.status_code == 200 and contacts.json()["results"]
        token = requests.post(f"{env['SALESFORCE_LOGIN_URL']}/services/oauth2/token", timeout=5,
                              data={"grant_type": "client_credentials",
                                    "client_id": env["SALESFORCE_CLIENT_ID"],
                                    "client_secret": env["SALESFORCE_CLIENT_SECRET"]})
        assert token.status_code == 200 and token.json()["instance_url"] == url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_admin_endpoints_advance_and_set_faults(sandbox):
    clock = sandbox.world.clock
    advanced = requests.post(f"{sandbox.url}/_sandbox/advance?days=1", timeout=60).json()
    assert advanced["clock"] > clock
    assert sandbox.world.clock == advanced["clock"]

    faults = requests.put(f"{sandbox.url}/_sandbox/faults", json={"error_rate": 1.0},
                          timeout=5).json()
    assert faults["error_rate"] == 1.0
    answer = requests.get(f"{sandbox.url}/crm/v3/objects/contacts", timeout=5,
                          headers={"Authorization": f"Bearer {sandbox.hubspot_access_token}"})
    assert answer.status_code in (429, 500, 503)
    assert requests.put(f"{sandbox.url}/_sandbox/faults", json={"nonsense": 1},
                        timeout=5).status_code == 400
