"""The structure editor's pages: the tree, a node's form, moving, deleting, uploading a file."""
from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..consultations import get_consultation
from ..extensions import db
from ..htmx import redirect_after_post
from ..i18n import localized
from ..permissions import permission_required
from ..structure.exporter import export_json
from ..structure.validation import StructureError
from . import structure_upload, tree
from .blueprint import bp
from .tree_forms import ApplyForm, ButtonForm, MoveForm, NodeForm, UploadForm

BASE = "/consultations/<slug>/structure"


class TreeMessages:
    @staticmethod
    def unknown_parent():
        return _("This place no longer exists; choose another.")

    @staticmethod
    def code_taken(code):
        return _("The code “%(code)s” is already used in this consultation.", code=code)

    @staticmethod
    def wrong_parent():
        return _("This part cannot be placed there.")

    @staticmethod
    def inside_itself():
        return _("A part cannot be placed under itself or under one of its own parts.")

    @staticmethod
    def children_block_move(count):
        return ngettext("This part holds %(num)d part of its own that would no longer fit: move it first.",
                        "This part holds %(num)d parts of its own that would no longer fit: move them first.", count)

    @staticmethod
    def written_about(count):
        return ngettext("People wrote %(num)d comment about this part or the parts under it: it cannot be deleted.",
                        "People wrote %(num)d comments about this part or the parts under it: it cannot be deleted.",
                        count)


def level_names(consultation):
    """The names of the tree's levels for the editor's choices (first level, second level)."""
    vocabulary = getattr(consultation, "vocabulary", None)
    if vocabulary is not None:
        return [vocabulary.term(level).cap for level in range(vocabulary.depth)]
    return [_("A part of the first level"), _("A part of the second level")]


def _label(topic) -> str:
    return f"{topic.code} — {localized(topic, 'title').text}"


def _node_form(consultation, node, formdata=True):
    names = level_names(consultation)
    parents = tree.parent_options(consultation, node, len(names))
    form = NodeForm() if formdata and request.method == "POST" else NodeForm(formdata=None, obj=node)
    form.setup(parents, consultation.language_list, names, _label)
    if not (formdata and request.method == "POST"):
        if node is not None:
            form.parent.data = str(node.parent_id or "")
            form.root_kind.data = node.kind if node.parent_id is None else "axis"
        else:
            form.parent.data = request.args.get("parent", "")
        form.offer_parts(node)
    return form


@bp.get(BASE + "/")
@permission_required("manage_consultations")
def tree_page(slug):
    return _render_tree(slug)


def _render_tree(slug, upload_form=None, problems=None, status=200):
    consultation = get_consultation(slug)
    return render_template("admin/tree.html", consultation=consultation, nodes=tree.ordered(consultation),
                           counts=tree.comment_counts(consultation), buttons=ButtonForm(),
                           upload_form=upload_form or UploadForm(), problems=problems or [],
                           levels=level_names(consultation)), status




def _save(consultation, node):
    form = _node_form(consultation, node)
    if form.validate_on_submit():
        values = tree.NodeValues(
            code=form.code.data.strip(), parent_id=int(form.parent.data) if form.parent.data else None,
            root_kind=form.root_kind.data or "axis",
            texts={name: (getattr(form, name).data or "").replace("\r\n", "\n").strip()
                   for name in ("title_fr", "title_en", "summary_fr", "summary_en", "plain_summary_fr",
                                "plain_summary_en", "body_fr", "body_en")},
            themes=form.parts("themes"), change_targets=form.parts("change_targets"))
        try:
            saved = tree.save_node(consultation, node, values, current_user.id, TreeMessages)
        except tree.TreeRefused as refused:
            db.session.rollback()
            consultation = get_consultation(consultation.slug)
            getattr(form, refused.field or "code").errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("%(code)s saved.", code=saved.code), "success")
            return redirect_after_post(url_for("admin.tree_page", slug=consultation.slug, _anchor=f"node-{saved.id}"))
    return render_template("admin/node_form.html", consultation=consultation, node=node, form=form,
                           levels=level_names(consultation)), 422 if form.is_submitted() else 200


@bp.route(BASE + "/nodes/new", methods=["GET", "POST"])
@permission_required("manage_consultations")
def node_new(slug):
    return _save(get_consultation(slug), None)


def _node_or_404(consultation, topic_id):
    node = tree.get_node(consultation, topic_id)
    if node is None:
        abort(404)
    return node


@bp.route(BASE + "/nodes/<int:topic_id>", methods=["GET", "POST"])
@permission_required("manage_consultations")
def node_edit(slug, topic_id):
    consultation = get_consultation(slug)
    return _save(consultation, _node_or_404(consultation, topic_id))


@bp.post(BASE + "/nodes/<int:topic_id>/move")
@permission_required("manage_consultations")
def node_move(slug, topic_id):
    consultation = get_consultation(slug)
    node = _node_or_404(consultation, topic_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    tree.move(consultation, node, form.direction.data, current_user.id)
    db.session.commit()
    return redirect_after_post(url_for("admin.tree_page", slug=slug, _anchor=f"node-{node.id}"))


@bp.route(BASE + "/nodes/<int:topic_id>/delete", methods=["GET", "POST"])
@permission_required("manage_consultations")
def node_delete(slug, topic_id):
    consultation = get_consultation(slug)
    node = _node_or_404(consultation, topic_id)
    nodes = tree.subtree(node)
    written = tree.written_about(nodes)
    form = ButtonForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = tree.delete_node(consultation, node, current_user.id, TreeMessages)
        except tree.TreeRefused:
            db.session.rollback()
            status = 409
        else:
            db.session.commit()
            flash(ngettext("%(num)d part deleted: %(codes)s.", "%(num)d parts deleted: %(codes)s.", len(codes),
                           codes=", ".join(codes)), "success")
            return redirect_after_post(url_for("admin.tree_page", slug=slug))
    elif form.is_submitted():
        status = 422
    return render_template("admin/node_delete.html", consultation=consultation, node=node, nodes=nodes,
                           written=written, message=TreeMessages.written_about(written) if written else "",
                           form=form), status


@bp.get(BASE + ".json")
@permission_required("manage_consultations")
def structure_download(slug):
    consultation = get_consultation(slug)
    return Response(export_json(consultation.slug), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{consultation.slug}.json"'})


@bp.post(BASE + "/upload")
@permission_required("manage_consultations")
def structure_upload_preview(slug):
    consultation = get_consultation(slug)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_tree(slug, upload_form=form, status=422)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors.append(_("Choose a structure file."))
        return _render_tree(slug, upload_form=form, status=422)
    raw = upload.read(structure_upload.MAX_BYTES + 1)
    document, problems = structure_upload.read_upload(raw, upload.filename, consultation)
    if problems:
        form.file.errors.append(ngettext("The file has %(num)d problem; nothing was changed.",
                                         "The file has %(num)d problems; nothing was changed.", len(problems)))
        return _render_tree(slug, upload_form=form, problems=problems, status=422)
    change = structure_upload.preview(consultation, document)
    apply_form = ApplyForm(formdata=None, document=raw.decode("utf-8-sig"))
    return render_template("admin/structure_preview.html", consultation=consultation, preview=change,
                           form=apply_form, filename=upload.filename)


@bp.post(BASE + "/apply")
@permission_required("manage_consultations")
def structure_apply(slug):
    consultation = get_consultation(slug)
    form = ApplyForm()
    if not form.validate_on_submit() or not form.document.data:
        abort(400)
    document, problems = structure_upload.read_upload(form.document.data.encode(), "upload", consultation)
    if problems:
        return _render_tree(slug, upload_form=UploadForm(formdata=None), problems=problems, status=422)
    try:
        report = structure_upload.apply(consultation, form.document.data, current_user.id)
    except StructureError as error:
        db.session.rollback()
        return _render_tree(slug, upload_form=UploadForm(formdata=None), status=422,
                                     problems=[structure_upload.LocatedProblem("", p.location, p.message)
                                               for p in error.problems])
    db.session.commit()
    flash(ngettext("Structure file applied. %(num)d part kept because something points at it.",
                   "Structure file applied. %(num)d parts kept because something points at them.",
                   len([item for item in report.kept_absent if item.startswith("topic ")])) if report.kept_absent
          else _("Structure file applied."), "success")
    return redirect_after_post(url_for("admin.tree_page", slug=slug))
