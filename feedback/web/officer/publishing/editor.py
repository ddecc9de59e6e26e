"""The "You said, we did" editor: entries (draft, scheduled, published, withdrawn), editing with versions, the
public preview, publishing now or on a date, withdrawing, the responses behind an entry and quotes from them.

The rules live in feedback.publishing; these views parse, call them, and render or redirect.
"""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from feedback.core.clock import LONDON
from feedback.core.extensions import db
from feedback.models import Action, ActionProgress, ActionStatus, Response
from feedback.publishing.entries import (
    STATUS_LABELS,
    THEMES,
    EntryError,
    EntryFields,
    Flagged,
    add_quote,
    check_texts,
    confirm_not_names,
    create_entry,
    entries_for_response,
    entry_url,
    flags_for,
    open_entries,
    question_label,
    quotable_answers,
    remove_quote,
    search_quotable,
    unlink_response,
    update_entry,
    versions_of,
)
from feedback.publishing.lifecycle import (
    link_and_notify,
    publish_and_commit,
    schedule_entry,
    unschedule_entry,
    withdraw_entry,
)
from feedback.publishing.updates import deliver_updates, update_counts, update_targets
from feedback.surveys.definitions import SURVEYS
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.officer.publishing.forms import (
    ConfirmWordsForm,
    EntryForm,
    LinkResponseForm,
    PublishForm,
    QuoteForm,
    WithdrawForm,
)
from feedback.web.public.entries import entry_view

PAGE_SIZE = 50
add_nav_item("officer.entries", "You said, we did")


def _entry(entry_id: int) -> Action:
    action = db.session.get(Action, entry_id)
    if action is None:
        abort(404)
    return action


def _flag_choices(flags) -> list[tuple[str, str]]:
    names = dict.fromkeys(flag.text for _, flag in flags if flag.confirmable)
    return [(word, f"“{word}” is not a name") for word in names]


@officer_bp.app_template_global()
def endpoint_exists(endpoint: str) -> bool:
    """For links to pages another part of the service may or may not provide (the response page)."""
    return endpoint in current_app.view_functions


@officer_bp.app_template_global()
def publishing_for_response(response: Response) -> dict:
    """What the response page's "You said, we did" panel needs (templates/officer/_response_publishing.html)."""
    return {
        "linked": entries_for_response(response.id),
        "open": open_entries(),
        "answers": [
            (a.question_key, question_label(response.survey_key, a.question_key), a.text)
            for a in quotable_answers(response)
        ],
        "status_labels": STATUS_LABELS,
    }


# ---------------------------------------------------------------- the list


@officer_bp.get("/you-said-we-did")
def entries():
    status = request.args.get("status")
    status = ActionStatus(status) if status in {s.value for s in ActionStatus} else None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    counts = dict(db.session.execute(select(Action.status, func.count(Action.id)).group_by(Action.status)).all())
    query = select(Action).order_by(Action.updated_at.desc(), Action.id.desc())
    if status is not None:
        query = query.where(Action.status == status)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return render_template(
        "officer/entries/list.html",
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        page=page,
        status=status,
        counts=counts,
        labels=STATUS_LABELS,
        themes=THEMES,
    )


# ---------------------------------------------------------------- creating and editing


def _fields(form: EntryForm) -> EntryFields:
    return EntryFields(
        title=form.title.data or "",
        you_said=form.you_said.data or "",
        we_did=form.we_did.data or "",
        theme=form.theme.data or None,
        progress=ActionProgress(form.progress.data),
        progress_on=form.progress_on.data,
    )


@officer_bp.route("/you-said-we-did/new", methods=["GET", "POST"])
def new_entry():
    form = EntryForm()
    source = {"response": request.args.get("response", type=int), "answer": request.args.get("answer")}
    if form.validate_on_submit():
        action = create_entry(_fields(form), current_user)
        db.session.commit()
        flash(f"Draft “{action.title}” saved")
        if source["response"] and source["answer"]:
            return redirect(url_for("officer.add_entry_quote", entry_id=action.id, **source))
        return redirect(url_for("officer.entry", entry_id=action.id))
    page = render_template("officer/entries/form.html", form=form, action=None, flags=[], source=source)
    return page, (422 if form.errors else 200)


@officer_bp.route("/you-said-we-did/<int:entry_id>/edit", methods=["GET", "POST"])
def edit_entry(entry_id: int):
    action = _entry(entry_id)
    form = EntryForm(obj=action if request.method == "GET" else None)
    if request.method == "GET":
        form.progress.data = str(action.progress)
        form.theme.data = action.theme or ""
    typed = form.is_submitted() and form.progress.data in {p.value for p in ActionProgress}
    flags = flags_for(action, _fields(form)) if typed else flags_for(action)
    form.not_names.choices = _flag_choices(flags)
    if form.validate_on_submit():
        try:
            changed = update_entry(action, _fields(form), current_user, form.not_names.data or [])
        except Flagged as error:
            db.session.rollback()
            form.not_names.choices = _flag_choices(error.flags)
            form.title.errors.append(str(error))  # the summary links to the form; the flags are listed above it
            return render_template("officer/entries/form.html", form=form, action=action, flags=error.flags), 422
        except EntryError as error:
            db.session.rollback()
            form.theme.errors.append(str(error))
            return render_template("officer/entries/form.html", form=form, action=action, flags=flags), 422
        db.session.commit()
        if not changed:
            flash("Nothing had changed")
        elif action.status == ActionStatus.PUBLISHED:
            flash("Saved: the public page shows the change now")
        else:
            flash("Saved")
        return redirect(url_for("officer.entry", entry_id=action.id))
    page = render_template("officer/entries/form.html", form=form, action=action, flags=flags)
    return page, (422 if form.errors else 200)


# ---------------------------------------------------------------- one entry


@officer_bp.get("/you-said-we-did/<int:entry_id>")
def entry(entry_id: int):
    action = _entry(entry_id)
    flags = flags_for(action)
    words = ConfirmWordsForm()
    words.words.choices = _flag_choices(flags)
    search = (request.args.get("q") or "").strip()
    return render_template(
        "officer/entries/entry.html",
        action=action,
        view=entry_view(action),
        flags=flags,
        words_form=words,
        link_form=LinkResponseForm(),
        search=search,
        found=search_quotable(search) if search else [],
        updates=update_counts(action),
        waiting=len(update_targets(action)) if action.status != ActionStatus.PUBLISHED else None,
        labels=STATUS_LABELS,
        surveys=SURVEYS,
        question_label=question_label,
        public_url=entry_url(action.slug),
    )


@officer_bp.get("/you-said-we-did/<int:entry_id>/preview")
def preview_entry(entry_id: int):
    action = _entry(entry_id)
    back = url_for("officer.entry", entry_id=action.id)
    return render_template("public/entry.html", view=entry_view(action), preview=True, back_url=back)


@officer_bp.get("/you-said-we-did/<int:entry_id>/history")
def entry_history(entry_id: int):
    action = _entry(entry_id)
    return render_template(
        "officer/entries/history.html", action=action, versions=versions_of(action), labels=STATUS_LABELS, themes=THEMES
    )


@officer_bp.post("/you-said-we-did/<int:entry_id>/not-names")
def confirm_entry_words(entry_id: int):
    action = _entry(entry_id)
    form = ConfirmWordsForm()
    form.words.choices = _flag_choices(flags_for(action))
    if form.validate_on_submit():
        confirmed = confirm_not_names(action, form.words.data, current_user)
        db.session.commit()
        flash(f"Confirmed: {', '.join(confirmed)}" if confirmed else "Nothing to confirm")
    else:
        flash("Select the words that are not names")
    return redirect(url_for("officer.entry", entry_id=action.id) + "#check")


# ---------------------------------------------------------------- publishing and withdrawing


def _publish_at(day) -> datetime:
    """The start of that day in London: the entry is public from midnight; its messages wait for 9am."""
    return datetime.combine(day, time(0), LONDON)


@officer_bp.route("/you-said-we-did/<int:entry_id>/publish", methods=["GET", "POST"], endpoint="publish_entry")
def publish(entry_id: int):
    action = _entry(entry_id)
    form = PublishForm()
    flags = flags_for(action)
    context = {"action": action, "form": form, "flags": flags, "targets": len(update_targets(action))}
    if action.status == ActionStatus.PUBLISHED:
        flash("This entry is already published")
        return redirect(url_for("officer.entry", entry_id=action.id))
    if request.method == "POST" and request.form.get("unschedule"):
        unschedule_entry(action, current_user)
        db.session.commit()
        flash("It will not be published on that date: it is back as a draft")
        return redirect(url_for("officer.entry", entry_id=action.id))
    if not form.validate_on_submit():
        return render_template("officer/entries/publish.html", **context), (422 if form.errors else 200)
    try:
        if form.when.data == "date":
            schedule_entry(action, _publish_at(form.publish_on.data), current_user)
            db.session.commit()
            flash(f"Scheduled: it will be published on {form.publish_on.data:%-d %B %Y}")
            return redirect(url_for("officer.entry", entry_id=action.id))
        published = publish_and_commit(action, current_user)
    except Flagged as error:
        db.session.rollback()
        form.when.errors.append(str(error))
        context["flags"] = error.flags
        return render_template("officer/entries/publish.html", **context), 422
    except EntryError as error:
        db.session.rollback()
        form.when.errors.append(str(error))
        return render_template("officer/entries/publish.html", **context), 422
    flash(_published_message(action.id, published.queued))
    return redirect(url_for("officer.entry", entry_id=action.id))


def _published_message(action_id: int, queued: int) -> str:
    """Without a Notify key the updates only go to the outbox: that costs nothing, so it is done at once (inside
    civil hours); with a key they are sent by `flask publish-due`, never from a web request."""
    if not queued:
        return "Published: the public page shows it now"
    families = "1 family" if queued == 1 else f"{queued} families"
    if not current_app.config.get("NOTIFY_API_KEY") and deliver_updates(action_id=action_id).total_sent:
        return f"Published. The update to {families} who asked to hear back is in the outbox"
    return (
        f"Published. The update to {families} who asked to hear back is sent at the next run of publish-due, "
        "between 9am and 7pm, Monday to Saturday"
    )


@officer_bp.route("/you-said-we-did/<int:entry_id>/withdraw", methods=["GET", "POST"], endpoint="withdraw_entry")
def withdraw(entry_id: int):
    action = _entry(entry_id)
    if action.status != ActionStatus.PUBLISHED:
        flash("Only a published entry can be withdrawn")
        return redirect(url_for("officer.entry", entry_id=action.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        cancelled = withdraw_entry(action, current_user, form.reason.data.strip())
        db.session.commit()
        extra = f"; {cancelled} unsent update(s) cancelled" if cancelled else ""
        flash(f"Withdrawn: the public page has gone{extra}")
        return redirect(url_for("officer.entry", entry_id=action.id))
    return render_template("officer/entries/withdraw.html", action=action, form=form), (422 if form.errors else 200)


# ---------------------------------------------------------------- responses and quotes


@officer_bp.post("/you-said-we-did/<int:entry_id>/responses")
def link_entry_response(entry_id: int):
    action = _entry(entry_id)
    form = LinkResponseForm()
    if not form.validate_on_submit():
        flash(form.response_id.errors[0] if form.response_id.errors else "Enter a response number")
        return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")
    try:
        queued = link_and_notify(action, int(form.response_id.data), current_user)
    except EntryError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")
    db.session.commit()
    flash(f"Response {int(form.response_id.data)} linked" + ("; an update to the family is queued" if queued else ""))
    return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")


@officer_bp.post("/you-said-we-did/<int:entry_id>/responses/<int:response_id>/unlink")
def unlink_entry_response(entry_id: int, response_id: int):
    action = _entry(entry_id)
    try:
        unlink_response(action, response_id, current_user)
    except EntryError as error:
        flash(str(error))
        return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")
    db.session.commit()
    flash(f"Response {response_id} unlinked")
    return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")


@officer_bp.route("/you-said-we-did/<int:entry_id>/quotes/new", methods=["GET", "POST"])
def add_entry_quote(entry_id: int):
    action = _entry(entry_id)
    response = db.session.get(Response, request.args.get("response", type=int) or 0)
    answer_key = request.args.get("answer") or ""
    answer = next((a for a in quotable_answers(response) if a.question_key == answer_key), None) if response else None
    if answer is None:
        flash("That family did not agree to be quoted, or wrote nothing for that question")
        return redirect(url_for("officer.entry", entry_id=action.id))
    form = QuoteForm()
    if request.method == "GET":
        form.text.data = answer.text
    flags = check_texts([("Quote", form.text.data or "")], action.not_names or [])
    form.not_names.choices = _flag_choices(flags)
    if form.validate_on_submit():
        try:
            add_quote(action, response, answer_key, form.text.data, current_user, form.not_names.data or [])
        except Flagged as error:
            db.session.rollback()
            form.text.errors.append(str(error))
            flags = error.flags
        except EntryError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash("Quote added" + (" and published" if action.status == ActionStatus.PUBLISHED else ""))
            return redirect(url_for("officer.entry", entry_id=action.id) + "#quotes")
    status = 422 if form.errors else 200
    return render_template(
        "officer/entries/quote.html",
        action=action,
        response=response,
        answer=answer,
        label=question_label(response.survey_key, answer_key),
        form=form,
        flags=flags,
    ), status


@officer_bp.post("/you-said-we-did/<int:entry_id>/quotes/<int:quote_id>/remove")
def remove_entry_quote(entry_id: int, quote_id: int):
    action = _entry(entry_id)
    try:
        remove_quote(action, quote_id, current_user)
    except EntryError as error:
        flash(str(error))
    else:
        db.session.commit()
        flash("Quote removed")
    return redirect(url_for("officer.entry", entry_id=action.id) + "#quotes")


@officer_bp.post("/you-said-we-did/from-response/<int:response_id>")
def response_to_entry(response_id: int):
    """From the response page: link the response to an entry, or quote it in one (a new entry or an old one)."""
    response = db.session.get(Response, response_id)
    if response is None:
        abort(404)
    target = request.form.get("entry") or ""
    answer = request.form.get("answer") or ""
    if request.form.get("do") == "quote":
        if target == "new":
            return redirect(url_for("officer.new_entry", response=response.id, answer=answer))
        if target.isdigit():
            quote_url = url_for("officer.add_entry_quote", entry_id=int(target), response=response.id, answer=answer)
            return redirect(quote_url)
    elif target.isdigit():
        action = _entry(int(target))
        try:
            queued = link_and_notify(action, response.id, current_user)
        except EntryError as error:
            db.session.rollback()
            flash(str(error))
        else:
            db.session.commit()
            flash(f"Response {response.id} linked to “{action.title}”" + ("; an update is queued" if queued else ""))
        return redirect(url_for("officer.entry", entry_id=action.id) + "#responses")
    flash("Choose an entry")
    return redirect(url_for("officer.entries"))
