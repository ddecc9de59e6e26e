"""Survey tokens never reach the logs."""

import logging

from feedback.core.logging_setup import RedactTokens


def test_access_log_lines_hide_the_survey_token():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s -',
        ("127.0.0.1", "23/Nov/2026", "GET /s/pSnMmFWnWWacUGNKQt1kxoQjD13NaH2-91l1CrQDZ0k/done HTTP/1.1", "200"),
        None,
    )
    assert RedactTokens().filter(record)
    assert record.getMessage() == '127.0.0.1 - - [23/Nov/2026] "GET /s/[token]/done HTTP/1.1" 200 -'


def test_other_lines_are_untouched():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET %s", ("/officer/call-list",), None)
    RedactTokens().filter(record)
    assert record.getMessage() == "GET /officer/call-list"


def test_filter_is_installed_on_access_loggers(app):
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)
