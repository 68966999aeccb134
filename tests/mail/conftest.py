"""The real aiosmtpd server fixtures of tests/test_mail.py, for every outbox test."""

from tests.test_mail import closed_port, smtp_server  # noqa: F401
