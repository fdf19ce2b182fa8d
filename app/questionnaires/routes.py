"""The team's side of questionnaires: the list, building one (sections, questions,
conditions), copying, and the questionnaire's page. Preview, sending and reminders add their
views to this blueprint from their own modules; results have a blueprint of their own."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.arguments import page_number
from app.common.exceptions import DomainError, EditConflict
from app.common.forms import conflicting_fields, redisplays_on_csrf_failure, submitted_version
from app.common.pagination import paginate
from app.common.sections import sections_for
from app.extensions import db

from . import building, services
from .forms import CONFLICT_FIELDS, QuestionForm, QuestionnaireForm, SectionForm
from .models import Question, Questionnaire, QuestionnaireSection, QuestionnaireStatus
from .options import conditions_in_words
from .services import InvalidQuestionnaire

bp = Blueprint("questionnaires", __name__, url_prefix="/enkater")


def load_or_404(questionnaire_id: int) -> Questionnaire:
    """The questionnaire with its sections and questions, or 404."""
    return services.load_questionnaire(questionnaire_id) or abort(404)


def section_or_404(questionnaire: Questionnaire, section_id: int) -> QuestionnaireSection:
    """A section of this questionnaire (another's is not found)."""
    for section in questionnaire.sections:
        if section.id == section_id:
            return section
    abort(404)


def question_or_404(questionnaire: Questionnaire, question_id: int) -> Question:
    """A question of this questionnaire (another's is not found)."""
    for question in building.ordered_questions(questionnaire.sections):
        if question.id == question_id:
            return question
    abort(404)


def to_detail(questionnaire: Questionnaire, anchor: str | None = None) -> Any:
    return redirect(url_for(".detail", questionnaire_id=questionnaire.id, _anchor=anchor))


def refuse_if_locked(questionnaire: Questionnaire) -> Any:
    """A sent questionnaire's build forms lead back to its page, saying why."""
    if questionnaire.locked:
        flash(str(services.QuestionnaireLocked()), "error")
        return to_detail(questionnaire)
    return None


def moving_up() -> bool:
    """The direction of a move: `riktning=upp` or `ned`; anything else is a bad request."""
    direction = request.form.get("riktning", "")
    if direction not in ("upp", "ned"):
        abort(400)
    return direction == "upp"


def done(questionnaire: Questionnaire, message: str, anchor: str | None = None) -> Any:
    """Commit, say so, and go back to the questionnaire's page (at `anchor`)."""
    db.session.commit()
    flash(message, "success")
    return to_detail(questionnaire, anchor)


def refused(questionnaire: Questionnaire, error: DomainError, anchor: str | None = None) -> Any:
    """Say why a change was refused, on the questionnaire's page; nothing is committed."""
    flash(str(error), "error")
    return to_detail(questionnaire, anchor)


@bp.get("")
def index():
    page = paginate(
        services.list_query(),
        page=page_number(),
        per_page=services.PER_PAGE,
        load=services.load_for_list,
    )
    return render_template(
        "questionnaires/index.html",
        page=page,
        counts=services.list_counts([q.id for q in page.items]),
    )


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    form = QuestionnaireForm()
    if form.validate_on_submit():
        try:
            questionnaire = services.create_questionnaire(values=form.values(), by=current_user)
        except InvalidQuestionnaire as error:
            form.show_error(error)
        else:
            return done(questionnaire, _("Enkäten är skapad. Lägg till ett avsnitt och frågor."))
    return render_template("questionnaires/form.html", form=form, questionnaire=None)


@bp.get("/<int:questionnaire_id>")
def detail(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    order = building.ordered_questions(questionnaire.sections)
    return render_template(
        "questionnaires/detail.html",
        questionnaire=questionnaire,
        numbers={q.id: number for number, q in enumerate(order, 1)},
        conditions=conditions_in_words(order),
        sections=sections_for("questionnaire", questionnaire),
        events=services.builder_history(questionnaire),
        statuses=QuestionnaireStatus,
    )


@bp.route("/<int:questionnaire_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    if (locked := refuse_if_locked(questionnaire)) is not None:
        return locked
    form = QuestionnaireForm(
        data=QuestionnaireForm.of(questionnaire) if request.method == "GET" else None
    )
    conflict_rows = None
    if form.validate_on_submit():
        try:
            services.update_questionnaire(
                questionnaire,
                values=form.values(),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict as conflict:
            saved = QuestionnaireForm.of(conflict.current)
            form.version.data = conflict.current.version
            conflict_rows = conflicting_fields(form, {k: saved[k] for k in CONFLICT_FIELDS})
        except InvalidQuestionnaire as error:
            form.show_error(error)
        else:
            return done(questionnaire, _("Enkäten är sparad."))
    status = 409 if conflict_rows is not None else 200
    return render_template(
        "questionnaires/form.html",
        form=form,
        questionnaire=questionnaire,
        conflict_rows=conflict_rows,
    ), status


@bp.post("/<int:questionnaire_id>/kopiera")
def copy(questionnaire_id: int):
    source = load_or_404(questionnaire_id)
    copied = services.copy_questionnaire(source, by=current_user)
    return done(copied, _("Det här är en kopia. Ändra den och ange en sista svarsdag."))


@bp.post("/<int:questionnaire_id>/stang")
def close(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    try:
        services.close_questionnaire(questionnaire, by=current_user)
    except DomainError as error:
        return refused(questionnaire, error)
    return done(questionnaire, _("Enkäten är stängd och tar inte emot fler svar."))


@bp.route("/<int:questionnaire_id>/avsnitt/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create_section(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    if (locked := refuse_if_locked(questionnaire)) is not None:
        return locked
    form = SectionForm()
    if form.validate_on_submit():
        try:
            section = building.add_section(questionnaire, values=form.values(), by=current_user)
        except DomainError as error:
            return refused(questionnaire, error)
        return done(questionnaire, _("Avsnittet är tillagt."), f"avsnitt-{section.id}")
    return render_template(
        "questionnaires/section_form.html", form=form, questionnaire=questionnaire, section=None
    )


@bp.route("/<int:questionnaire_id>/avsnitt/<int:section_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit_section(questionnaire_id: int, section_id: int):
    questionnaire = load_or_404(questionnaire_id)
    section = section_or_404(questionnaire, section_id)
    if (locked := refuse_if_locked(questionnaire)) is not None:
        return locked
    form = SectionForm(obj=section if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            building.edit_section(section, values=form.values(), by=current_user)
        except DomainError as error:
            return refused(questionnaire, error)
        return done(questionnaire, _("Avsnittet är sparat."), f"avsnitt-{section.id}")
    return render_template(
        "questionnaires/section_form.html", form=form, questionnaire=questionnaire, section=section
    )


@bp.post("/<int:questionnaire_id>/avsnitt/<int:section_id>/ta-bort")
def delete_section(questionnaire_id: int, section_id: int):
    questionnaire = load_or_404(questionnaire_id)
    section = section_or_404(questionnaire, section_id)
    try:
        building.delete_section(section, by=current_user)
    except DomainError as error:
        return refused(questionnaire, error)
    return done(questionnaire, _("Avsnittet och dess frågor är borttagna."))


@bp.post("/<int:questionnaire_id>/avsnitt/<int:section_id>/flytta")
def move_section(questionnaire_id: int, section_id: int):
    questionnaire = load_or_404(questionnaire_id)
    section = section_or_404(questionnaire, section_id)
    try:
        building.move_section(section, up=moving_up(), by=current_user)
    except DomainError as error:
        return refused(questionnaire, error, f"avsnitt-{section.id}")
    return done(questionnaire, _("Avsnittet är flyttat."), f"avsnitt-{section.id}")


@bp.route("/<int:questionnaire_id>/avsnitt/<int:section_id>/ny-fraga", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create_question(questionnaire_id: int, section_id: int):
    questionnaire = load_or_404(questionnaire_id)
    section = section_or_404(questionnaire, section_id)
    if (locked := refuse_if_locked(questionnaire)) is not None:
        return locked
    form = QuestionForm(data={"section": section.id} if request.method == "GET" else None)
    form.fill_choices(questionnaire, None)
    if form.validate_on_submit():
        try:
            question = building.add_question(section, values=form.values(), by=current_user)
        except InvalidQuestionnaire as error:
            form.show_error(error)
        except DomainError as error:
            return refused(questionnaire, error)
        else:
            return done(questionnaire, _("Frågan är tillagd."), f"fraga-{question.id}")
    return render_template(
        "questionnaires/question_form.html",
        form=form,
        questionnaire=questionnaire,
        section=section,
        question=None,
    )


@bp.route("/<int:questionnaire_id>/fragor/<int:question_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit_question(questionnaire_id: int, question_id: int):
    questionnaire = load_or_404(questionnaire_id)
    question = question_or_404(questionnaire, question_id)
    if (locked := refuse_if_locked(questionnaire)) is not None:
        return locked
    form = QuestionForm(data=QuestionForm.of(question) if request.method == "GET" else None)
    form.fill_choices(questionnaire, question)
    if form.validate_on_submit():
        try:
            building.edit_question(question, values=form.values(), by=current_user)
        except InvalidQuestionnaire as error:
            form.show_error(error)
        except DomainError as error:
            return refused(questionnaire, error)
        else:
            return done(questionnaire, _("Frågan är sparad."), f"fraga-{question.id}")
    return render_template(
        "questionnaires/question_form.html",
        form=form,
        questionnaire=questionnaire,
        section=question.section,
        question=question,
    )


@bp.post("/<int:questionnaire_id>/fragor/<int:question_id>/ta-bort")
def delete_question(questionnaire_id: int, question_id: int):
    questionnaire = load_or_404(questionnaire_id)
    question = question_or_404(questionnaire, question_id)
    try:
        building.delete_question(question, by=current_user)
    except DomainError as error:
        return refused(questionnaire, error)
    return done(questionnaire, _("Frågan är borttagen."))


@bp.post("/<int:questionnaire_id>/fragor/<int:question_id>/flytta")
def move_question(questionnaire_id: int, question_id: int):
    questionnaire = load_or_404(questionnaire_id)
    question = question_or_404(questionnaire, question_id)
    try:
        building.move_question(question, up=moving_up(), by=current_user)
    except DomainError as error:
        return refused(questionnaire, error, f"fraga-{question.id}")
    return done(questionnaire, _("Frågan är flyttad."), f"fraga-{question.id}")
