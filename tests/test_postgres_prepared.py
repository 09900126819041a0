"""On PostgreSQL the server binds the parameters, and a statement that a connection has run
twice is prepared there: from then on the server parses it no more and, once its generic plan
costs no more than the custom ones, plans it no more either (acuback/settings.py; planning
was most of the server's time on a page, issue 9).

Shown failing without the change: with Django's default client-side binding the values reach
the server inlined in the text, and nothing is ever prepared."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.test_postgres import _on_postgres_pass
from tests.test_postgres_connection import _last_statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

USER_BY_ID = 'SELECT "id" FROM "accounts_user" WHERE "id" = %s'


def _prepared() -> dict[str, tuple[int, int]]:
    """This session's prepared statements: their text, with how often each was run with the
    generic plan and with a custom one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans "
                       "FROM pg_prepared_statements")
        return {text: (generic, custom) for text, generic, custom in cursor.fetchall()}


def test_the_server_binds_the_parameters() -> None:
    _on_postgres_pass()
    assert connection.features.uses_server_side_binding
    with connection.cursor() as cursor:
        cursor.execute(USER_BY_ID, [7])
        pid = connection.connection.info.backend_pid
    # What the server ran: the placeholder, not the value spliced into the text.
    assert _last_statement(pid) == USER_BY_ID.replace("%s", "$1")


def test_a_statement_run_again_is_prepared_and_soon_no_longer_planned() -> None:
    _on_postgres_pass()
    statement = USER_BY_ID.replace('"id" FROM', '"id", \'run again\' FROM')  # this test's own
    prepared = statement.replace("%s", "$1")
    with connection.cursor() as cursor:
        cursor.execute(statement, [7])
        cursor.execute(statement, [8])
        assert prepared not in _prepared()  # run twice: not prepared yet
        cursor.execute(statement, [9])
        assert prepared in _prepared()  # the third run prepared it
        for pk in range(10, 20):
            cursor.execute(statement, [pk])
    # PostgreSQL plans a prepared statement for its values 5 times, then keeps the generic plan
    # when that costs no more: a primary-key read is planned no more.
    generic, custom = _prepared()[prepared]
    assert custom == 5 and generic == 6


def test_a_pages_hand_written_statements_are_prepared(client_for, world) -> None:  # noqa: ANN001
    _on_postgres_pass()
    client = client_for("practitioner")
    page = reverse("episode_detail", args=[world.episode.pk])
    for _ in range(3):
        assert client.get(page).status_code == 200
    episode_read = [text for text in _prepared()
                    if 'FROM "episodes_episode" e JOIN "patients_patient" p' in text]
    assert len(episode_read) == 1 and "WHERE e.id = $1 AND e.clinic_id = $2" in episode_read[0]
