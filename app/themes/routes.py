"""The team's list of themes, and coding meetings and free-text answers with them.

Readers see the list, a theme's mentions and the coding pages; admins and coordinators
change them (app/auth/access.py refuses readers' writes). The meeting page gets a "Teman"
section, and the questionnaire page a link to its coding page, through app/common/sections.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.display import Shown, coded, local_moment, register_fields, shown_history
from app.common.arguments import page_number
from app.common.pagination import paginate
from app.common.sections import Section, provides
from app.common.time import local_today
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.questionnaires.models import Question, Questionnaire, QuestionnaireResponse

from . import figures, queries, services
from .forms import CodingForm, ConfirmForm, ThemeForm, ThemePeriodForm, theme_choices
from .models import SIDE_LABELS, Theme, ThemeMention
from .services import InvalidTheme, ThemeValues
from .tally import mention_count

bp = Blueprint("themes", __name__, url_prefix="/teman")

MENTIONS_PER_PAGE = 50

register_fields(
    Theme.__tablename__,
    {
        "name": Shown(_l("Namn")),
        "name_en": Shown(_l("Namn på engelska")),
        "description": Shown(_l("Beskrivning")),
        "side": Shown(
            _l("Brukar vara"),
            format=coded(lambda: {k.value: str(v) for k, v in SIDE_LABELS.items()}),
        ),
        "retired_at": Shown(_l("Används inte sedan"), format=local_moment),
        "mention": Shown(_l("Nämnd av")),
    },
)


def _values(form: ThemeForm) -> ThemeValues:
    return ThemeValues(
        name=form.name.data or "",
        name_en=form.name_en.data or "",
        description=form.description.data or "",
        side=form.side.data,
    )


def coding_form(themes: list[Theme] | None = None) -> CodingForm:
    """An empty coding form offering the themes in use."""
    form = CodingForm(formdata=None)
    form.theme_id.choices = theme_choices(
        themes if themes is not None else services.list_themes(include_retired=False)
    )
    return form


def _posted_coding() -> CodingForm:
    form = CodingForm()
    form.theme_id.choices = theme_choices(services.list_themes(include_retired=False))
    return form


def _posted_theme(form: CodingForm) -> Theme:
    """The theme a valid coding form names; InvalidTheme with the form's message otherwise."""
    if not form.validate_on_submit():
        messages = [e for errors in form.errors.values() for e in errors]
        raise InvalidTheme(" ".join(str(m) for m in messages) or _("Välj ett tema."))
    theme = db.session.get(Theme, form.theme_id.data)
    if theme is None:
        raise InvalidTheme(_("Välj ett tema."))
    return theme


# --- The list -------------------------------------------------------------------------------


@bp.get("")
def index():
    themes = services.list_themes()
    form = ThemeForm(formdata=None) if current_user.can_edit else None
    return render_template("themes/index.html", themes=themes, form=form)


@bp.post("")
def create():
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = services.create_theme(values=_values(form), by=current_user)
        except InvalidTheme as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Temat ”%(name)s” är tillagt.", name=theme.name), "success")
            return redirect(url_for("themes.index"))
    return render_template("themes/index.html", themes=services.list_themes(), form=form), 400


@bp.get("/<int:theme_id>")
def detail(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    query = queries.mentions_of(theme.id)
    page = paginate(
        query,
        page=page_number(),
        per_page=MENTIONS_PER_PAGE,
        total=mention_count(theme.id),
        load=lambda ids: db.session.scalars(
            select(ThemeMention)
            .where(ThemeMention.id.in_(ids))
            .options(
                selectinload(ThemeMention.organisation).selectinload(Organisation.parent),
                selectinload(ThemeMention.meeting),
                selectinload(ThemeMention.response).selectinload(
                    QuestionnaireResponse.questionnaire
                ),
                selectinload(ThemeMention.question),
            )
        ),
    )
    period_form = ThemePeriodForm(request.args)
    return render_template(
        "themes/detail.html",
        theme=theme,
        page=page,
        period_form=period_form,
        breakdown=figures.theme_breakdown(theme, *period_form.period(local_today())),
        events=shown_history(theme, limit=30),
        confirm=ConfirmForm(formdata=None),
    )


@bp.route("/<int:theme_id>/andra", methods=["GET", "POST"])
def edit(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            changed = services.edit_theme(theme, values=_values(form), by=current_user)
        except InvalidTheme as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            if changed:
                flash(_("Temat är sparat."), "success")
            return redirect(url_for("themes.detail", theme_id=theme.id))
    return render_template("themes/form.html", theme=theme, form=form)


@bp.post("/<int:theme_id>/avveckla")
def retire(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    if ConfirmForm().validate_on_submit() and services.retire_theme(theme, by=current_user):
        db.session.commit()
        flash(_("Temat erbjuds inte längre. Det som redan kodats finns kvar."), "success")
    return redirect(url_for("themes.detail", theme_id=theme.id))


@bp.post("/<int:theme_id>/ateruppta")
def unretire(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    if ConfirmForm().validate_on_submit() and services.unretire_theme(theme, by=current_user):
        db.session.commit()
        flash(_("Temat används igen."), "success")
    return redirect(url_for("themes.detail", theme_id=theme.id))


# --- Coding a meeting -------------------------------------------------------------------------


@provides("meeting", order=40)
def meeting_themes(meeting: Meeting) -> Section:
    mentions, themes = queries.meeting_coding(meeting.id)
    context = {"meeting": meeting, "mentions": mentions}
    if current_user.can_edit:
        context["form"] = coding_form(themes)
        context["confirm"] = ConfirmForm(formdata=None)
    return Section("themes/_meeting_section.html", context)


@bp.post("/mote/<int:meeting_id>")
def code_meeting(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    back = url_for("meetings.detail", meeting_id=meeting.id, _anchor="themes-heading")
    form = _posted_coding()
    try:
        theme = _posted_theme(form)
        made = services.code_meeting(
            meeting, theme=theme, side=form.side.data, note=form.note.data or "", by=current_user
        )
    except InvalidTheme as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    if made:
        message = ngettext(
            "Temat ”%(name)s” är kopplat till %(num)d kommun.",
            "Temat ”%(name)s” är kopplat till %(num)d kommuner.",
            len(made),
            name=theme.name,
        )
        flash(message, "success")
    else:
        flash(_("Mötet var redan kodat med temat."), "success")
    return redirect(back)


@bp.post("/namning/<int:mention_id>/ta-bort")
def remove_mention(mention_id: int):
    mention = db.get_or_404(ThemeMention, mention_id)
    if mention.meeting_id is not None:
        back = url_for("meetings.detail", meeting_id=mention.meeting_id, _anchor="themes-heading")
    elif mention.response is not None:
        back = url_for(
            "themes.questionnaire",
            questionnaire_id=mention.response.questionnaire_id,
            _anchor=f"svar-{mention.response_id}",
        )
    else:
        back = url_for("themes.detail", theme_id=mention.theme_id)
    if ConfirmForm().validate_on_submit():
        services.remove_mention(mention, by=current_user)
        db.session.commit()
        flash(_("Kodningen är borttagen."), "success")
    return redirect(back)


# --- Coding a questionnaire's free-text answers -----------------------------------------------


@provides("questionnaire", order=50)
def questionnaire_themes(questionnaire: Questionnaire) -> Section:
    return Section("themes/_questionnaire_section.html", {"questionnaire": questionnaire})


@bp.get("/enkat/<int:questionnaire_id>")
def questionnaire(questionnaire_id: int):
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    answers = queries.free_text_answers(questionnaire.id)
    mentions = queries.response_mentions(sorted({a.response_id for a in answers}))
    coded: dict[tuple[int, int | None], list[ThemeMention]] = {}
    for mention in mentions:
        coded.setdefault((mention.response_id, mention.question_id), []).append(mention)
    themes = services.list_themes(include_retired=False)
    return render_template(
        "themes/questionnaire.html",
        questionnaire=questionnaire,
        answers=answers,
        coded=coded,
        form=coding_form(themes) if current_user.can_edit else None,
        confirm=ConfirmForm(formdata=None),
    )


@bp.post("/enkat/<int:questionnaire_id>/svar/<int:response_id>/<int:question_id>")
def code_answer(questionnaire_id: int, response_id: int, question_id: int):
    response = db.get_or_404(QuestionnaireResponse, response_id)
    question = db.get_or_404(Question, question_id)
    if response.questionnaire_id != questionnaire_id:
        abort(404)
    back = url_for(
        "themes.questionnaire", questionnaire_id=questionnaire_id, _anchor=f"svar-{response.id}"
    )
    form = _posted_coding()
    try:
        theme = _posted_theme(form)
        made = services.code_answer(
            response,
            question,
            theme=theme,
            side=form.side.data,
            note=form.note.data or "",
            by=current_user,
        )
    except InvalidTheme as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    if made is None:
        flash(_("Svaret var redan kodat med temat."), "success")
    else:
        flash(
            _(
                "Svaret från %(name)s är kodat med ”%(theme)s”.",
                name=response.organisation.display_name,
                theme=theme.name,
            ),
            "success",
        )
    return redirect(back)
