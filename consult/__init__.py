"""consult: bilingual platform for public and expert consultations on draft policies."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import database  # noqa: F401  (registers the SQLite connection settings)
from .config import load_config
from .paths import resource_dir
from .requests import ConsultRequest


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_relative_config=True,
    )
    app.request_class = ConsultRequest
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource_dir("translations"))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    from . import change_stamps, page_cache  # noqa: F401  (change_stamps: registers its session events)

    page_cache.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from . import template_gettext
    from .database import include_object
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    if not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):  # unless set to ping at every checkout
        with app.app_context():
            database.ping_after_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), include_object=include_object)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    template_gettext.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from . import cli, errors, personal_links, template_globals, web
    from .admin.blueprint import bp as admin_bp
    from .admin.blueprint import links_bp as staff_links_bp
    from .analysis.blueprint import bp as analysis_bp
    from .auth.blueprint import bp as auth_bp
    from .evaluation.blueprint import bp as evaluation_bp
    from .exports.blueprint import bp as exports_bp
    from .form_fields import IdConverter
    from .forums.blueprint import bp as forums_bp
    from .glossary.blueprint import bp as glossary_bp
    from .items.blueprint import bp as items_bp
    from .outcome.blueprint import bp as outcome_bp
    from .partners.blueprint import bp as partners_bp
    from .privacy.blueprint import bp as privacy_bp
    from .public.blueprint import bp as public_bp
    from .qdpx.blueprint import bp as qdpx_bp
    from .questionnaires.blueprint import bp as questionnaires_bp
    from .reports.blueprint import bp as reports_bp
    from .submissions.blueprint import bp as submissions_bp
    from .suggestions.blueprint import bp as suggestions_bp
    from .transcripts.blueprint import bp as transcripts_bp
    from .vocabulary.views import bp as vocabulary_bp

    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(staff_links_bp)
    app.register_blueprint(forums_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(suggestions_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(items_bp)
    app.register_blueprint(outcome_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(transcripts_bp)
    app.register_blueprint(qdpx_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(glossary_bp)
    app.register_blueprint(vocabulary_bp)
    app.register_blueprint(partners_bp)
    web.init_app(app)
    personal_links.init_app(app)
    template_globals.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
