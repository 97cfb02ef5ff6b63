"""A fake PagerDuty on 127.0.0.1 over https (the official client refuses anything else), trusted through a
throw-away certificate authority (trustme) named in SSL_CERT_FILE, as a user's own CA bundle would be."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from pytest_httpserver import HTTPServer

from tests.pagerduty.fake import FakePagerDuty

TOKEN = "test-token-abc123"


@pytest.fixture(scope="session")
def certificate_authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return authority, bundle


@pytest.fixture
def pd_server(certificate_authority: tuple[trustme.CA, Path]) -> Iterator[HTTPServer]:
    authority, _ = certificate_authority
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def fake_pd(pd_server: HTTPServer) -> FakePagerDuty:
    return FakePagerDuty(pd_server, TOKEN)


@pytest.fixture
def pd_env(fake_pd: FakePagerDuty, certificate_authority: tuple[trustme.CA, Path]) -> dict[str, str]:
    """The environment a command needs to talk to the fake."""
    return {"PAGERDUTY_TOKEN": TOKEN, "PAGERDUTY_API_URL": fake_pd.url, "SSL_CERT_FILE": str(certificate_authority[1]),
            "OWNERSHIP_PAGERDUTY_TIMEOUT": "30"}
