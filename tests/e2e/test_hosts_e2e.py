"""The real `aisync sync-models --provider X` against the loopback server for the open-model hosts
and the clouds, driven by recorded bodies (tests/fixtures/SOURCES.md), then `aisync providers`."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from decimal import Decimal
from typing import Any, Callable

import pytest

from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer
from tests.helpers import fixture_json

pytestmark = pytest.mark.e2e


def _one(db, sql: str, *params: Any) -> Any:
    con = sqlite3.connect(db)
    try:
        row = con.execute(sql, params).fetchone()
        return row[0] if row and len(row) == 1 else row
    finally:
        con.close()


#: slug, display name, server set-up, key variable, models found, a model and its context length
CASES: list[tuple[str, str, Callable[[FakeProviderServer], object], str, int, str, int | None]] = [
    ("cerebras", "Cerebras", lambda s: s.add("cerebras", models=fixture_json("cerebras__terminal-paste-2026.json")["data"]),
     "CEREBRAS_API_KEY", 4, "gpt-oss-120b", None),
    ("deepinfra", "DeepInfra", lambda s: s.add("deepinfra", models=fixture_json("examples/deepinfra.json")["data"]),
     "DEEPINFRA_API_KEY", 1, "Qwen/Qwen3-Max", 131072),
    ("fireworks", "Fireworks", lambda s: s.add("fireworks", models=fixture_json("examples/fireworks.json")["data"]),
     "FIREWORKS_API_KEY", 5, "accounts/fireworks/models/kimi-k2p6", 262144),
    ("cohere", "Cohere", lambda s: s.add("cohere", models=fixture_json("cohere__ts-restatement-2026.json")["models"], max_page_size=7),
     "CO_API_KEY", 20, "command-a-03-2025", 288000),
    ("huggingface", "Hugging Face", lambda s: s.add("huggingface", models=fixture_json("huggingface__hub-docs-router-models.json")["data"]),
     "HF_TOKEN", 6, "deepseek-ai/DeepSeek-V4-Pro:together", 512000),
]


@pytest.mark.parametrize("slug, name, setup, key_var, found, model_id, context", CASES, ids=[c[0] for c in CASES])
def test_sync_models_adds_every_model_and_a_wrong_key_is_invalid(sandbox, fake_server, slug, name, setup, key_var, found, model_id, context):
    setup(fake_server)
    sandbox.write_config(f'[providers.{slug}]\nbase_url = "{fake_server.base_url(slug)}"\n')
    env = {key_var: DEFAULT_KEYS[slug]}
    r = sandbox.run("sync-models", "--provider", slug, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    noun = "model" if found == 1 else "models"
    assert f"{name}:\n  ✓ Found {found} {noun}\n  ✓ Added {found} new {noun}" in r.stdout
    count = _one(sandbox.db, "select count(*) from model m join provider p on p.id = m.provider_id where p.slug = ? and m.available = 1", slug)
    assert count == found
    # The provider's own value (the store's price catalog may fill what the provider does not say).
    assert _one(sandbox.db, "select case when json_extract(m.field_sources, '$.context_length') = 'provider' then m.context_length end "
                "from model m join provider p on p.id = m.provider_id where p.slug = ? and m.model_id = ?", slug, model_id) == context
    assert DEFAULT_KEYS[slug] not in r.stdout + r.stderr
    shown = json.loads(sandbox.run("providers", "--format", "json", env=env).stdout)
    entry = next(p for p in shown if p["provider"] == slug)
    assert (entry["configured"], entry["key_source"], entry["available_models"]) == (True, f"${key_var}", found)
    env[key_var] = "wrong-key-0123456789"
    bad = sandbox.run("sync-models", "--provider", slug, "--force", env=env)
    assert bad.returncode == 1 and "✗ Invalid API key" in bad.stdout, bad.stdout + bad.stderr
    assert "wrong-key-0123456789" not in bad.stdout + bad.stderr


def test_deepinfra_prices_go_to_the_ledger_exactly_with_source_provider(sandbox, fake_server):
    fake_server.add("deepinfra", models=fixture_json("examples/deepinfra.json")["data"])
    sandbox.write_config(f'[providers.deepinfra]\nbase_url = "{fake_server.base_url("deepinfra")}"\n')
    r = sandbox.run("sync-models", "--provider", "deepinfra", env={"DEEPINFRA_API_KEY": DEFAULT_KEYS["deepinfra"]})
    assert r.returncode == 0, r.stdout + r.stderr
    row = _one(sandbox.db, "select pr.input, pr.output, pr.source from price pr join model m on m.id = pr.model_id "
               "where m.model_id = 'Qwen/Qwen3-Max' and pr.effective_until is null")
    assert (Decimal(row[0]), Decimal(row[1]), row[2]) == (Decimal("4E-8"), Decimal("1.3E-7"), "provider")


def test_fireworks_models_get_their_price_from_the_bundled_feed(sandbox, fake_server):
    fake_server.add("fireworks", models=fixture_json("examples/fireworks.json")["data"])
    sandbox.write_config(f'[providers.fireworks]\nbase_url = "{fake_server.base_url("fireworks")}"\n')
    r = sandbox.run("sync-models", "--provider", "fireworks", env={"FIREWORKS_API_KEY": DEFAULT_KEYS["fireworks"]})
    assert r.returncode == 0, r.stdout + r.stderr
    p = sandbox.run("sync-pricing", "--offline")
    assert p.returncode == 0, p.stdout + p.stderr
    row = _one(sandbox.db, "select pr.input, pr.source from price pr join model m on m.id = pr.model_id join provider v on v.id = m.provider_id "
               "where v.slug = 'fireworks' and m.model_id = 'accounts/fireworks/models/kimi-k2p6' and pr.effective_until is null")
    assert row is not None and Decimal(row[0]) > 0 and row[1] != "provider", row


def test_huggingface_router_ids_carry_each_providers_price_with_source_provider(sandbox, fake_server):
    fake_server.add("huggingface", models=fixture_json("huggingface__hub-docs-router-models.json")["data"])
    sandbox.write_config(f'[providers.huggingface]\nbase_url = "{fake_server.base_url("huggingface")}"\n')
    r = sandbox.run("sync-models", "--provider", "huggingface", env={"HF_TOKEN": DEFAULT_KEYS["huggingface"]})
    assert r.returncode == 0, r.stdout + r.stderr
    con = sqlite3.connect(sandbox.db)
    try:
        rows = dict(con.execute(
            "select m.model_id, pr.input || ' ' || pr.output || ' ' || pr.source from price pr join model m on m.id = pr.model_id "
            "join provider v on v.id = m.provider_id where v.slug = 'huggingface' and m.status != 'catalog' and pr.effective_until is null").fetchall())
    finally:
        con.close()
    base = "deepseek-ai/DeepSeek-V4-Pro"
    assert sorted(rows) == [f"{base}:deepinfra", f"{base}:novita", f"{base}:together"]
    inp, out, source = rows[f"{base}:together"].split()
    assert (Decimal(inp), Decimal(out), source) == (Decimal("0.0000021"), Decimal("0.0000044"), "provider")
    described = _one(sandbox.db, "select m.description from model m join provider v on v.id = m.provider_id where v.slug = 'huggingface' and m.model_id = ?", base)
    assert described == "Served by novita, together, fireworks-ai, featherless-ai, deepinfra"


# ----------------------------------------------------------------------------- clouds

#: Bedrock's dummy credentials: botocore signs with them, the loopback server checks the key id.
AWS_ENV = {"AWS_ACCESS_KEY_ID": DEFAULT_KEYS["bedrock"], "AWS_SECRET_ACCESS_KEY": "dummy-secret-for-tests", "AWS_EC2_METADATA_DISABLED": "true"}

#: ListInferenceProfiles entries in botocore's documented shape (no real body was found).
BEDROCK_PROFILES = [
    {"inferenceProfileName": "US Claude Instant", "inferenceProfileId": "us.anthropic.claude-instant-v1", "status": "ACTIVE", "type": "SYSTEM_DEFINED",
     "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-instant-v1",
     "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/anthropic.claude-instant-v1"} for r in ("us-east-1", "us-west-2")]},
    {"inferenceProfileName": "US Titan Express", "inferenceProfileId": "us.amazon.titan-text-express-v1", "status": "ACTIVE", "type": "SYSTEM_DEFINED",
     "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"}]},
]


def _bedrock(sandbox, fake_server, **extra: Any) -> None:
    fake_server.add("bedrock", models=fixture_json("bedrock__boto3-list-foundation-models-2023-10-07.json")["modelSummaries"],
                    profiles=BEDROCK_PROFILES, max_page_size=1, **extra)
    sandbox.write_config(f'[providers.bedrock]\nbase_url = "{fake_server.base_url("bedrock")}"\nregion = "us-east-1"\n')


def test_bedrock_syncs_foundation_models_and_every_profile_page_through_botocore(sandbox, fake_server):
    _bedrock(sandbox, fake_server)
    r = sandbox.run("sync-models", "--provider", "bedrock", env=AWS_ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "AWS Bedrock:\n  ✓ Found 19 models\n  ✓ Added 19 new models" in r.stdout
    assert [q["query"].get("nextToken") for q in fake_server.requests("bedrock") if q["path"] == "/inference-profiles"] == [None, "1"]
    assert _one(sandbox.db, "select m.name from model m join provider v on v.id = m.provider_id where v.slug = 'bedrock' and m.model_id = 'us.anthropic.claude-instant-v1'") == "US Claude Instant"
    assert DEFAULT_KEYS["bedrock"] not in r.stdout + r.stderr and "dummy-secret-for-tests" not in r.stdout + r.stderr
    shown = next(p for p in json.loads(sandbox.run("providers", "--format", "json", env=AWS_ENV).stdout) if p["provider"] == "bedrock")
    assert (shown["configured"], shown["credentials"], shown["location"], shown["available_models"]) == (True, "$AWS_ACCESS_KEY_ID", "region us-east-1", 19)
    # Prices from the bundled feed's bedrock rows, matched to these ids (profiles through their model).
    p = sandbox.run("sync-pricing", "--offline")
    assert p.returncode == 0, p.stdout + p.stderr
    priced = _one(sandbox.db, "select count(distinct m.id) from price pr join model m on m.id = pr.model_id join provider v on v.id = m.provider_id "
                  "where v.slug = 'bedrock' and m.available = 1 and pr.effective_until is null")
    # 8 of the 17 foundation models of this 2023 list have a feed row, and both profiles are
    # priced: the Claude one by the feed's us-east-1 row, the Titan one through its model.
    assert priced == 10, priced
    def input_price(model_id: str) -> Any:
        return _one(sandbox.db, "select pr.input from price pr join model m on m.id = pr.model_id where m.model_id = ? and pr.effective_until is null", model_id)
    assert Decimal(input_price("us.anthropic.claude-instant-v1")) == Decimal("8E-7")
    assert input_price("us.amazon.titan-text-express-v1") == input_price("amazon.titan-text-express-v1") is not None


def test_bedrock_wrong_credentials_are_an_invalid_key_and_a_refused_profile_list_keeps_the_models(sandbox, fake_server):
    _bedrock(sandbox, fake_server, deny_profiles=True)
    ok = sandbox.run("sync-models", "--provider", "bedrock", env=AWS_ENV)
    assert ok.returncode == 0 and "Found 17 models" in ok.stdout, ok.stdout + ok.stderr
    bad = sandbox.run("sync-models", "--provider", "bedrock", "--force", env={**AWS_ENV, "AWS_ACCESS_KEY_ID": "AKIAWRONGKEY00000000"})
    assert bad.returncode == 1 and "✗ Invalid API key" in bad.stdout and "aws sso login" in bad.stdout, bad.stdout + bad.stderr
    assert "AKIAWRONGKEY00000000" not in bad.stdout + bad.stderr


def test_bedrock_is_opt_in_and_without_credentials_names_the_login_command(sandbox, fake_server):
    _bedrock(sandbox, fake_server)
    sandbox.write_config("")
    quiet = sandbox.run("sync-models", env=AWS_ENV)
    assert "AWS Bedrock" not in quiet.stdout  # credentials on the machine are not an invitation
    _bedrock(sandbox, fake_server)
    empty = {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(sandbox.root / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(sandbox.root / "none")}
    r = sandbox.run("sync-models", "--provider", "bedrock", env=empty)
    assert r.returncode == 1 and "✗ Invalid API key: no AWS credentials found" in r.stdout, r.stdout + r.stderr
    assert "aws sso login" in r.stdout


def _azure(sandbox, fake_server) -> None:
    deployments = fixture_json("azure__deployments-docs-tutorial-2022.json")["data"] + [
        # written here: a deployment whose name is not its model's, as most are
        {"scale_settings": {"scale_type": "standard"}, "model": "gpt-35-turbo", "owner": "organization-owner", "id": "chat-prod",
         "status": "succeeded", "created_at": 1699185501, "updated_at": 1699185501, "object": "deployment"},
    ]
    fake_server.add("azure", models=fixture_json("azure__models-france-central-2023.json")["data"], deployments=deployments)
    sandbox.write_config(f'[providers.azure]\nbase_url = "{fake_server.base_url("azure")}"\napi_version = "2024-10-21"\n')


def test_azure_syncs_models_and_deployments_and_prices_a_deployment_by_its_model(sandbox, fake_server):
    _azure(sandbox, fake_server)
    env = {"AZURE_OPENAI_API_KEY": DEFAULT_KEYS["azure"]}
    r = sandbox.run("sync-models", "--provider", "azure", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Azure OpenAI:\n  ✓ Found 24 models\n  ✓ Added 24 new models" in r.stdout
    assert _one(sandbox.db, "select m.description from model m join provider v on v.id = m.provider_id where v.slug = 'azure' and m.model_id = 'chat-prod'") == "Deployment of gpt-35-turbo"
    shown = next(p for p in json.loads(sandbox.run("providers", "--format", "json", env=env).stdout) if p["provider"] == "azure")
    assert (shown["configured"], shown["credentials"], shown["location"]) == (True, "$AZURE_OPENAI_API_KEY", fake_server.base_url("azure"))
    p = sandbox.run("sync-pricing", "--offline")
    assert p.returncode == 0, p.stdout + p.stderr
    con = sqlite3.connect(sandbox.db)
    try:
        priced = dict(con.execute(
            "select m.model_id, pr.input from price pr join model m on m.id = pr.model_id join provider v on v.id = m.provider_id "
            "where v.slug = 'azure' and m.available = 1 and pr.effective_until is null").fetchall())
    finally:
        con.close()
    # The feeds price few of this 2023 resource's models: LiteLLM (chat-prod through the model it serves),
    # genai-prices' azure rules (text-davinci-002), and models.dev's azure list the few only it prices.
    assert {"chat-prod", "gpt-35-turbo", "text-davinci-002", "text-embedding-ada-002"} <= set(priced), priced
    assert len(priced) < 10, priced
    assert priced["chat-prod"] == priced["gpt-35-turbo"]
    bad = sandbox.run("sync-models", "--provider", "azure", "--force", env={"AZURE_OPENAI_API_KEY": "wrong-key-0123456789"})
    assert bad.returncode == 1 and "✗ Invalid API key" in bad.stdout and "wrong-key-0123456789" not in bad.stdout + bad.stderr


def _has_azure_identity() -> bool:
    return importlib.util.find_spec("azure") is not None and importlib.util.find_spec("azure.identity") is not None


@pytest.mark.skipif(_has_azure_identity(), reason="azure-identity is installed here: the extra is not missing")
def test_azure_without_a_key_or_azure_identity_names_the_extra(sandbox, fake_server):
    _azure(sandbox, fake_server)
    r = sandbox.run("sync-models", "--provider", "azure")
    assert r.returncode == 1
    assert "✗ Provider not configured: azure-identity is not installed\n    → install aisync-tui[azure]" in r.stdout, r.stdout + r.stderr


@pytest.mark.skipif(not _has_azure_identity(), reason="needs azure-identity (the [azure] extra)")
def test_azure_without_a_key_or_a_login_says_so_in_one_line(sandbox, fake_server):
    _azure(sandbox, fake_server)
    r = sandbox.run("sync-models", "--provider", "azure")
    assert r.returncode == 1
    assert "✗ Invalid API key: no Entra ID token" in r.stdout and "→ run: az login, or set $AZURE_OPENAI_API_KEY" in r.stdout, r.stdout
    # azure-identity's own log of every credential it tried stays out of the output
    assert "SharedTokenCacheCredential" not in r.stdout + r.stderr and "Attempted credentials" not in r.stdout + r.stderr, r.stdout + r.stderr


#: Publisher models written to the documented PublisherModel shape (no real list was found).
VERTEX_PUBLISHERS = {
    "google": [{"name": f"publishers/google/models/{n}", "launchStage": "GA"} for n in ("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-005")],
    "anthropic": [{"name": "publishers/anthropic/models/claude-haiku-4-5", "launchStage": "GA"}],
}


def _service_account(sandbox, fake_server) -> str:
    """A service-account key file whose token endpoint is the loopback server: google-auth signs
    a real JWT with a throwaway RSA key and trades it there, as it would with Google."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    path = sandbox.root / "adc.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "adc-project", "private_key_id": "test", "private_key": pem,
        "client_email": "aisync-test@adc-project.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": fake_server.base_url("vertex") + "/token",
    }))
    return str(path)


def test_vertex_syncs_publisher_models_with_adc_from_a_service_account(sandbox, fake_server):
    pytest.importorskip("google.auth")
    fake_server.add("vertex", publishers=VERTEX_PUBLISHERS, max_page_size=2)
    sandbox.write_config(f'[providers.vertex]\nbase_url = "{fake_server.base_url("vertex")}"\nproject = "my-project"\nlocation = "us-central1"\n')
    env = {"GOOGLE_APPLICATION_CREDENTIALS": _service_account(sandbox, fake_server)}
    r = sandbox.run("sync-models", "--provider", "vertex", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Vertex AI:\n  ✓ Found 4 models\n  ✓ Added 4 new models" in r.stdout
    lists = [q for q in fake_server.requests("vertex") if q["path"].startswith("/v1beta1/")]
    assert all(q["headers"].get("x-goog-user-project") == "my-project" for q in lists)
    assert [q["query"].get("pageToken") for q in lists if "/google/" in q["path"]] == [None, "2"]
    assert DEFAULT_KEYS["vertex"] not in r.stdout + r.stderr
    p = sandbox.run("sync-pricing", "--offline")
    assert p.returncode == 0, p.stdout + p.stderr
    priced = _one(sandbox.db, "select count(distinct m.id) from price pr join model m on m.id = pr.model_id join provider v on v.id = m.provider_id "
                  "where v.slug = 'vertex' and m.available = 1 and pr.effective_until is null")
    assert priced == 4, priced


def test_vertex_without_adc_or_google_auth_says_what_to_run_or_install(sandbox, fake_server):
    fake_server.add("vertex", publishers=VERTEX_PUBLISHERS)
    sandbox.write_config(f'[providers.vertex]\nbase_url = "{fake_server.base_url("vertex")}"\nproject = "my-project"\n')
    r = sandbox.run("sync-models", "--provider", "vertex", env={"GOOGLE_APPLICATION_CREDENTIALS": str(sandbox.root / "missing.json")})
    assert r.returncode == 1, r.stdout + r.stderr
    try:
        import google.auth  # noqa: F401
    except ImportError:
        assert "✗ Provider not configured: google-auth is not installed\n    → install aisync-tui[gcp]" in r.stdout, r.stdout
    else:
        assert "✗ Invalid API key: no Application Default Credentials" in r.stdout and "gcloud auth application-default login" in r.stdout, r.stdout
