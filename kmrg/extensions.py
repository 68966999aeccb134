"""Flask extensions, created unbound and initialised by the application factory."""

from flask import has_request_context
from flask.globals import _cv_app, _cv_request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from kmrg.models import Base


def session_scope() -> int:
    """Give each request its own database session, even inside a longer-lived app context.

    Flask reuses an active app context for a request (as the CLI and tests do); scoping by the
    request keeps a request's unit of work apart from the work around it.
    """
    if has_request_context():
        return id(_cv_request.get())
    return id(_cv_app.get(None))


db = SQLAlchemy(
    model_class=Base,
    # Views read objects after the single commit of a request; reloading them would be waste.
    session_options={"expire_on_commit": False, "scopefunc": session_scope},
)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
