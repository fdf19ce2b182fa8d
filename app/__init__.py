"""Samverkan: a CRM for dialogue and stakeholder tracking in the Swedish public sector."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import configure

#: Where Alembic's versions live, independent of the working directory.
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config → extensions → blueprints → errors → CLI → filters."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SAMVERKAN_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    configure(app, test_config)
    register_extensions(app)
    register_migrations(app)
    register_tasks(app)
    register_blueprints(app)
    register_history()
    register_errors(app)
    register_cli(app)
    register_template_helpers(app)
    register_headers(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of app.extensions to this app."""
    from app import models  # noqa: F401  (every model registered before first use)
    from app.aggregates.hooks import install_maintenance
    from app.auth.access import configure_login
    from app.auth.session_routes import ActivitySessionInterface
    from app.common.database import configure_sqlite, engine_options
    from app.common.i18n import select_locale, select_timezone
    from app.common.soft_delete import install_soft_delete_filter
    from app.extensions import babel, csrf, db, login_manager
    from app.library.facts import install_maintenance as install_coverage_maintenance
    from app.themes.tally import install_maintenance as install_theme_maintenance

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    install_soft_delete_filter()
    install_maintenance()
    install_coverage_maintenance()
    install_theme_maintenance()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    app.session_interface = ActivitySessionInterface()
    login_manager.init_app(app)
    configure_login(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def register_migrations(app: Flask) -> None:
    """Alembic through Flask-Migrate: `flask db …` and flask_migrate's functions.

    Not in the web workers (gunicorn.conf.py sets SAMVERKAN_MIGRATIONS=0): they run no
    migration, and Alembic with Mako takes 11 MB in each of them."""
    if not app.config["MIGRATIONS"]:
        return
    from flask_migrate import Migrate

    from app.common.search_index import include_object
    from app.extensions import db

    Migrate(
        app,
        db,
        directory=MIGRATIONS_DIR,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,  # the text index is not in the models
    )


def register_tasks(app: Flask) -> None:
    """Point the task queue (app/tasks) at the storage this app's config names."""
    from app.tasks import jobs  # noqa: F401  (registers the tasks)
    from app.tasks.queue import configure_tasks

    configure_tasks(app)


def register_blueprints(app: Flask) -> None:
    """Mount each domain's routes; an `int` in a route is a bounded record id."""
    from app.auth import session_routes  # noqa: F401  (the session warning's view)
    from app.auth.routes import bp as auth_bp
    from app.caldav.routes import bp as caldav_bp
    from app.calendar import import_routes as invite_import_routes  # noqa: F401  (more views)
    from app.calendar.routes import bp as calendar_bp
    from app.common.arguments import IdConverter
    from app.contacts import duplicate_routes, import_routes  # noqa: F401  (more contact views)
    from app.contacts.routes import bp as contacts_bp
    from app.dashboard.routes import bp as dashboard_bp
    from app.digest.routes import bp as digest_bp
    from app.followups import export_routes as follow_up_exports  # noqa: F401  (more views)
    from app.followups.routes import bp as followups_bp
    from app.health import bp as health_bp
    from app.indicators import import_routes as indicator_imports  # noqa: F401
    from app.indicators import priority_routes as indicator_priorities  # noqa: F401
    from app.indicators import sections as indicator_sections  # noqa: F401
    from app.indicators.routes import bp as indicators_bp
    from app.library import meeting_routes as library_meeting_routes  # noqa: F401  (more views)
    from app.library import sections as library_sections  # noqa: F401  (sections, list filter)
    from app.library.routes import bp as library_bp
    from app.mailings.routes import bp as mailings_bp
    from app.meetings import export_routes as meeting_exports  # noqa: F401  (more views)
    from app.meetings.routes import bp as meetings_bp
    from app.milestones.routes import bp as milestones_bp
    from app.organisations.routes import bp as organisations_bp
    from app.plans.routes import bp as plans_bp
    from app.privacy.routes import bp as privacy_bp
    from app.questionnaires import preview_routes as questionnaire_preview  # noqa: F401
    from app.questionnaires import sending_routes as questionnaire_sending  # noqa: F401
    from app.questionnaires.public_routes import bp as questionnaire_public_bp
    from app.questionnaires.results_routes import bp as questionnaire_results_bp
    from app.questionnaires.routes import bp as questionnaires_bp
    from app.reports import coverage as coverage_routes  # noqa: F401  (the coverage page)
    from app.reports.routes import bp as reports_bp
    from app.savedfilters.routes import bp as saved_filters_bp
    from app.search.routes import bp as search_bp
    from app.security.hooks import install as install_security_hooks
    from app.security.routes import bp as security_bp
    from app.themes.routes import bp as themes_bp
    from app.trash.routes import bp as trash_bp

    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(digest_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(followups_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(mailings_bp)
    app.register_blueprint(milestones_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(saved_filters_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(caldav_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(trash_bp)
    app.register_blueprint(security_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(questionnaire_results_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(indicators_bp)
    # The respondent's pages: outside the login, under a prefix a proxy can publish alone.
    app.register_blueprint(
        questionnaire_public_bp, url_prefix="/" + str(app.config["PUBLIC_PREFIX"]).strip("/")
    )
    install_security_hooks(app)


def register_history() -> None:
    """Each domain says how the history shows its recorded fields and names its records
    (app/audit/display.py): importing its `history` module registers that."""
    from app.auth import history as _users  # noqa: F401
    from app.contacts import history as _contacts  # noqa: F401
    from app.followups import history as _follow_ups  # noqa: F401
    from app.library import history as _library  # noqa: F401
    from app.meetings import history as _meetings  # noqa: F401
    from app.organisations import history as _organisations  # noqa: F401
    from app.plans import history as _plans  # noqa: F401
    from app.questionnaires import history as _questionnaires  # noqa: F401


def register_errors(app: Flask) -> None:
    """Swedish error pages; see app/errors.py."""
    from app.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    """`flask seed`, `flask users …`."""
    from app.cli import register_commands

    register_commands(app)


def register_headers(app: Flask) -> None:
    """Security headers on every response."""
    from app.common.headers import register_headers as install

    install(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    from app.common.formatting import register_filters
    from app.common.i18n import template_translations
    from app.common.links import register_links
    from app.meetings.figures import DEFINED_FIGURES
    from app.organisations.stages import stage_badge, stage_badges

    register_filters(app)
    register_links(app)
    app.add_template_global(DEFINED_FIGURES, "defined_figures")
    app.add_template_global(stage_badge, "stage_badge_html")
    app.add_template_global(stage_badges)
    app.context_processor(template_translations)
