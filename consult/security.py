"""Security headers sent with every response, and the state of the rate limiter's storage."""
from urllib.parse import urlsplit

from flask import current_app, request

from .extensions import limiter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def personal_pages(endpoints):
    """An after-request hook for pages reached through a personal link (its token in the address)."""

    def hook(response):
        if request.endpoint in endpoints:
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Robots-Tag"] = "noindex"
            # The token is in the address: never hand it to another site.
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return hook


def rate_limit_storage() -> dict:
    """Where the rate limiter counts (the URI's scheme only: never its host or password) and whether that
    storage answers; when it does not, Flask-Limiter counts in each worker's memory until it is back."""
    scheme = urlsplit(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://").scheme or "memory"
    try:
        reachable = bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - an unreachable storage raises in many ways
        reachable = False
    shared = reachable and scheme not in ("memory", "")
    return {"kind": scheme, "reachable": reachable, "counting": "shared" if shared else "per-worker memory"}
