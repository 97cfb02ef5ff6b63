"""A fake PagerDuty to try `ownership pagerduty` by hand (the README's worked example), never the real one.

    python -m tests.pagerduty.serve [PORT] [EMAIL...]

serves https://127.0.0.1:PORT (8765 by default) with a user for each EMAIL (default: the five people of
examples/acme who have one), trusted through a throw-away certificate authority, and prints the
environment to use. Stop it with Ctrl-C.
"""

from __future__ import annotations

import ssl
import sys
import tempfile
import time
from pathlib import Path

import trustme
from pytest_httpserver import HTTPServer

from tests.pagerduty.fake import FakePagerDuty

ACME = ["alice@acme.example", "bob@acme.example", "carol@acme.example", "dave@acme.example", "erin@acme.example"]


def main(argv: list[str]) -> None:
    port = int(argv[0]) if argv and argv[0].isdigit() else 8765
    emails = [a for a in argv if "@" in a] or ACME
    authority = trustme.CA()
    bundle = Path(tempfile.mkdtemp(prefix="fake-pagerduty-")) / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=port, ssl_context=context)
    server.start()
    fake = FakePagerDuty(server, token="local-fake-token", page_size=100)
    for email in emails:
        fake.add_user(email.split("@")[0].title(), email)
    print(f"export PAGERDUTY_API_URL={fake.url} PAGERDUTY_TOKEN=local-fake-token SSL_CERT_FILE={bundle}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
