"""Friendly error pages (and JSON errors under /api/)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kmrg.inputs import UnreadableInput

MESSAGES = {
    400: (
        "That request could not be understood",
        "Something in the form or address was not as expected. Go back and try again.",
    ),
    403: (
        "You may not see this page",
        "Your account does not have access to this page. Sign in with another account, or ask "
        "a KM champion or administrator.",
    ),
    404: (
        "Page not found",
        "There is nothing at this address. It may have moved, or it may not be public.",
    ),
    405: ("That is not how this page works", "Use the page's own buttons and forms."),
    413: (
        "That upload is too large",
        "The file is larger than the Hub accepts. Make it smaller and try again.",
    ),
    429: (
        "Too many attempts",
        "You have tried this too often in a short time. Wait a few minutes and try again.",
    ),
    500: (
        "Something went wrong on our side",
        "The Hub could not finish that request and nothing was changed. Please try again.",
    ),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if request.path.startswith("/api/"):
        return jsonify({"error": title, "detail": detail or message, "status": code}), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_error_pages(app: Flask) -> None:
    """Render every HTTP error as a page in the Hub's layout."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _render(
            400, "The form had expired or was not sent from the Hub. Reload the page and try again."
        )

    @app.errorhandler(UnreadableInput)
    def _unreadable_input(error: UnreadableInput):
        return _render(400, error.description)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render(error.code or 500)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        from kmrg.extensions import db

        db.session.rollback()
        return _render(500)
