"""Error pages in the visitor's language, as HTML or JSON for the health check."""
from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("What you sent is too large"),
    422: _l("Some fields need your attention"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Go back, reload the page and try again."),
    403: _l("If you think you should have access, ask an administrator of the consultation."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Go back and use the buttons on the page."),
    413: _l("Send smaller files, or fewer at once."),
    429: _l("Please wait a moment before trying again."),
    500: _l("The problem has been recorded. Please try again in a few minutes."),
}


def render_error(error: HTTPException):
    code = error.code or 500
    if isinstance(error, CSRFError):
        return render_template("errors/error.html", code=400, title=TITLES[400], explanation=_l(
            "The form had expired or did not come from this site. Go back, reload the page and send it again."
        )), 400
    if request.path.startswith("/healthz"):
        return jsonify(error=str(TITLES.get(code, error.name))), code
    return render_template(
        "errors/error.html",
        code=code,
        title=TITLES.get(code, error.name),
        explanation=EXPLANATIONS.get(code, ""),
    ), code


def init_app(app):
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(InternalServerError)
    def _internal(error):
        return render_error(InternalServerError())
