"""SQLite, the zero-setup database: requests that read, then write, take turns."""

import copy
import threading

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="SQLite's own locking"
)


def _connect(path):
    settings_dict = copy.deepcopy(connections.databases["default"])
    settings_dict["NAME"] = str(path)
    connection = DatabaseWrapper(settings_dict, alias="turns")
    connection.connect()
    return connection


@pytest.fixture
def unblocked(django_db_blocker):
    """Connections of the test's own, to a file of its own: not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.mark.usefixtures("unblocked")
def test_two_requests_that_read_then_write_both_commit(tmp_path):
    """Like two chart images of one page: each reads, then writes an audit event.

    With SQLite's default deferred transactions both hold a read lock when the
    first writes, so one of them fails at once with "database is locked".
    """
    # given a database file and two connections with the project's options
    path = tmp_path / "turns.sqlite3"
    setup = _connect(path)
    setup.cursor().execute("CREATE TABLE event (id INTEGER PRIMARY KEY, who TEXT)")
    setup.close()
    read_by_second = threading.Event()
    failures = []

    def request(who, *, first):
        connection = _connect(path)
        try:
            # the transaction ATOMIC_REQUESTS opens, as Django begins it
            connection._start_transaction_under_autocommit()
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM event")
            if first:
                # wait (at most a second) for the other to read too
                read_by_second.wait(timeout=1)
            else:
                read_by_second.set()
            cursor.execute("INSERT INTO event (who) VALUES (%s)", [who])
            connection.commit()
        except Exception as error:  # the test reports it
            failures.append(repr(error))
        finally:
            connection.close()

    first = threading.Thread(target=request, args=("first",), kwargs={"first": True})
    second = threading.Thread(target=request, args=("second",), kwargs={"first": False})

    # when the first has begun and the second comes in
    first.start()
    second.start()
    first.join()
    second.join()

    # then both wrote
    assert failures == []
    check = _connect(path)
    assert check.cursor().execute("SELECT count(*) FROM event").fetchone() == (2,)
    check.close()
