"""One place that decides whether a request gets a whole page or an htmx fragment."""
from flask import make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the full page, or only the fragment that page includes, for htmx requests."""
    template = fragment if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(location: str):
    """Post/Redirect/Get that also works for htmx, which would otherwise swap the target page in."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    response = make_response("", 303)
    response.headers["Location"] = location
    return response


def redirect_to_page(location: str):
    """Post/Redirect/Get to the page the form is on. htmx follows HX-Redirect by setting location.href,
    which does not reload when only the #anchor differs: HX-Refresh makes it load the page, with its
    confirmation message."""
    response = redirect_after_post(location)
    if is_htmx():
        response.headers["HX-Refresh"] = "true"
    return response
