"""Saved searches' e-mail alerts through a real SMTP server (aiosmtpd, on this machine), and officials
in dossiers: a real search node, an index prefix and a data directory for this module."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app import dossiers as app
from app import watchlist
from athar.records import Person
from athar.settings import Settings, load_settings
from index.load import load
from tests.dossiers.test_app import _every_mention_once, row
from tests.index.records import document

NAME, MOTHER = "سامر يوسف الحمصي", "نجوى"
FIRST = document(
    "alert-first",
    ["سجل"],
    doc_type="prison_register",
    persons=(row(NAME, 0, mother=MOTHER, born="1985"), row("عمر خالد السيد", 40, mother="ليلى", born="1979")),
)
LATER = document(
    "alert-later", ["تقرير"], doc_type="death_report", persons=(row(NAME, 0, mother=MOTHER, born="1985"),)
)
COURT = document(
    "alert-court",
    ["محكمة"],
    doc_type="court_record",
    persons=(
        Person(name=NAME, mother=MOTHER, birth_date="1985", page=1, start=0, end=len(NAME), role="defendant"),
        Person(name="سامر يوسف الحمصي", page=1, start=40, end=56, role="judge"),  # a namesake judge
    ),
)


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int, list[tuple[str, str]]]]:
    box, logins = Mailbox(), []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"athar", b"s3cret-pw")
        logins.append((mechanism, "ok" if ok else "refused"))
        return AuthResult(success=ok)

    port = _free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield box, port, logins
    finally:
        controller.stop()


def test_new_watch_list_matches_are_emailed_without_names(
    settings: Settings,
    client: Any,
    mailbox: tuple[Mailbox, int, list[tuple[str, str]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    box, port, logins = mailbox
    assert not load_settings({}).watch_email  # off by default
    env = {
        "ATHAR_WATCH_EMAIL": "1",
        "ATHAR_SMTP_HOST": "127.0.0.1",
        "ATHAR_SMTP_PORT": str(port),
        "ATHAR_SMTP_FROM": "athar@localhost",
        "ATHAR_SMTP_TO": "desk@localhost, family@localhost",
        "ATHAR_SMTP_TLS": "none",
        "ATHAR_SMTP_USER": "athar",
        "ATHAR_SMTP_PASSWORD": "s3cret-pw",
    }
    mail = load_settings(env)
    assert "s3cret-pw" not in repr(mail)
    mailing = settings.with_(
        watch_email=True,
        smtp_host=mail.smtp_host,
        smtp_port=mail.smtp_port,
        smtp_from=mail.smtp_from,
        smtp_to=mail.smtp_to,
        smtp_tls=mail.smtp_tls,
        smtp_user=mail.smtp_user,
        smtp_password=mail.smtp_password,
    )
    assert load(client, settings, [FIRST], refresh=True).ok
    caplog.set_level(logging.DEBUG)
    saved, first = watchlist.save(mailing, NAME, mother=MOTHER, by="family-3", client=client)
    assert first and len(box.messages) == 1
    assert [result for _, result in logins] == ["ok"]  # logged in with the password from the environment
    message = box.messages[0]
    assert set(message.rcpt_tos) == {"desk@localhost", "family@localhost"}
    body = message.content.decode()
    assert saved.id in body and FIRST.document.sha256[:12] in body
    assert NAME not in body and MOTHER not in body  # names stay in Athar

    # the same documents again: nothing new, no mail; a new document: one mail with its match
    assert watchlist.rerun(mailing, client, [FIRST.document.sha256]) == []
    assert len(box.messages) == 1
    assert load(client, settings, [LATER], refresh=True).ok
    new = watchlist.rerun(mailing, client, [LATER.document.sha256])
    assert [h["sha256"] for h in new] == [LATER.document.sha256]
    assert len(box.messages) == 2 and LATER.document.sha256[:12] in box.messages[1].content.decode()
    # switched off: a match is listed, not mailed
    assert load(client, settings, [COURT], refresh=True).ok
    assert watchlist.rerun(settings, client, [COURT.document.sha256])
    assert len(box.messages) == 2
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not any(NAME in line or MOTHER in line or saved.id in line for line in loud)


def test_an_unreachable_mail_server_never_fails_the_search(settings: Settings, client: Any) -> None:
    dead = settings.with_(
        watch_email=True,
        smtp_host="127.0.0.1",
        smtp_port=_free_port(),
        smtp_from="athar@localhost",
        smtp_to=("desk@localhost",),
        smtp_tls="none",
    )
    later = document(
        "alert-dead", ["سجل"], doc_type="prison_register", persons=(row(NAME, 0, mother=MOTHER, born="1985"),)
    )
    assert load(client, settings, [later], refresh=True).ok
    assert watchlist.rerun(dead, client, [later.document.sha256])  # listed; the mail failed quietly


def test_officials_are_in_dossiers_of_their_own(settings: Settings, client: Any) -> None:
    app.link_pending(settings, client)
    owner = _every_mention_once(settings, client)  # every mention, officials too, in exactly one dossier
    court = {m.id: m for d in app.dossiers(settings) for m in d.mentions if m.sha256 == COURT.document.sha256}
    judge = next(i for i, m in court.items() if m.role == "judge")
    defendant = next(i for i, m in court.items() if m.role == "defendant")
    first = next(i for i in owner if i.startswith(FIRST.document.sha256) and owner[i] == owner[defendant])
    assert first  # the defendant joined the register's record (mother and year agree)
    assert sum(owner[i] == owner[judge] for i in owner) == 1  # the namesake judge stands alone
    assert all(judge not in (i.a.id, i.b.id) for i in app.review_queue(settings))
