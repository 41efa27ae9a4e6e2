from flask import abort, current_app, g, jsonify, redirect, render_template, url_for
from sqlalchemy import text

from ..consultations import get_public_consultation
from ..extensions import db
from ..page_cache import cacheable, keep_until, next_moment
from ..readiness import channel_state, moments
from ..security import rate_limit_storage
from ..tree import load_outline, load_tree
from . import services
from .blueprint import bp


@bp.get("/")
def home():
    listing = services.list_consultations(g.now)
    keep_until(next_moment(g.now, [moment for item in listing.open + listing.upcoming
                                   for moment in (item.opens_at, item.closes_at)]))
    return render_template("public/home.html", listing=listing)


@bp.get("/consultations/<slug>/")
def consultation(slug):
    item = get_public_consultation(slug)
    keep_until(next_moment(g.now, moments(item)))
    channels = [
        (channel, channel_state(item, channel.kind, g.now),
         services.channel_view(channel.kind, current_app.view_functions))
        for channel in item.channels
    ]
    tree = load_tree(item)
    return render_template("public/consultation.html", consultation=item, channels=channels, tree=tree)


@bp.get("/consultations/<slug>/proposal/")
@cacheable
def proposal(slug):
    item = get_public_consultation(slug)
    return render_template("public/proposal.html", consultation=item, tree=load_tree(item))


@bp.get("/consultations/<slug>/proposal/<code>")
@cacheable
def topic(slug, code):
    item = get_public_consultation(slug)
    tree = load_outline(item)
    node = tree.by_code.get(code)
    if node is None:
        abort(404)
    previous, following = tree.neighbours(node)
    return render_template("public/topic.html", consultation=item, tree=tree, topic=node,
                           previous=previous, following=following)


@bp.get("/consultations/<slug>/synoptic")
@cacheable
def synoptic(slug):
    item = get_public_consultation(slug)
    return render_template("public/synoptic.html", consultation=item, tree=load_tree(item))


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for it on pages that do not link the icon (files, JSON): the one icon is the SVG.
    return redirect(url_for("static", filename="img/favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means the database is unusable
        current_app.logger.warning("health check: database unavailable: %s", error)
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    # The site works without the limiter's storage (each worker then counts in memory, and failed sign-ins
    # are counted in the database anyway): "degraded", not an error that would take every host out.
    limits = rate_limit_storage()
    status = "ok" if limits["reachable"] else "degraded"
    return jsonify(status=status, database=database, dialect=db.engine.dialect.name, rate_limit_storage=limits)
