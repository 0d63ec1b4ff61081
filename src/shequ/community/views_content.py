"""Community content pages (phone-first): a post with its comments, compose/edit, topic, circles, my drafts and
favourites. Likes, favourites, comments and joins are HTMX requests that swap a fragment; without JavaScript
the same forms post and redirect back (full-page fallback)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shequ.analytics.services import track
from shequ.community import feeds, forms, post_render
from shequ.community.selectors import cards, circles, comments, detail, favourites, posts, topics
from shequ.community.services import circles as circle_services
from shequ.community.services import comments as comment_services
from shequ.community.services import posts as post_services
from shequ.community.services import reactions, shares
from shequ.core.errors import DomainError
from shequ.core.web import add_domain_error, safe_next

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 6 else 1


def _int_list(values) -> list:
    return [v for v in values if str(v).strip()]


# --- the post page ---------------------------------------------------------------------------------------


def post_view(request: HttpRequest, post_id: int) -> HttpResponse:
    fast = post_render.post_page(request, post_id, _page_number(request))
    if fast is not None:
        return fast
    data = detail.post_detail(post_id=post_id, viewer=request.user, page=_page_number(request))
    post_services.post_view_record(post=data.post, viewer=request.user)
    if request.htmx and request.htmx.target == "comments-more":
        return render(request, "community/_comment_list.html", {"detail": data, "post": data.post})
    return render(
        request,
        "community/post_detail.html",
        {"detail": data, "post": data.post, "card": data.card, "comment_form": forms.CommentForm()},
    )


def _back_to_post(request: HttpRequest, post_id: int) -> HttpResponse:
    return redirect(safe_next(request, reverse("community:post", args=[post_id])))


@login_required
@require_POST
def post_like_view(request: HttpRequest, post_id: int) -> HttpResponse:
    reactions.post_like_toggle(user=request.user, post_id=post_id)
    if request.htmx:
        card = cards.post_cards(post_ids=[post_id], viewer=request.user)[0]
        return render(request, "community/_like_button.html", {"card": card})
    return _back_to_post(request, post_id)


@login_required
@require_POST
def post_favourite_view(request: HttpRequest, post_id: int) -> HttpResponse:
    reactions.favourite_toggle(user=request.user, post_id=post_id)
    if request.htmx:
        card = cards.post_cards(post_ids=[post_id], viewer=request.user)[0]
        return render(request, "community/_favourite_button.html", {"card": card})
    return _back_to_post(request, post_id)


@login_required
@require_POST
def post_share_view(request: HttpRequest, post_id: int) -> HttpResponse:
    link = shares.share_create(user=request.user, post_id=post_id, channel=request.POST.get("channel", "copy"))
    url = request.build_absolute_uri(reverse("community:share", args=[link.code]))
    if request.htmx:
        return render(request, "community/_share_result.html", {"share_url": url})
    messages.success(request, _("Share this link: %(url)s") % {"url": url})
    return _back_to_post(request, post_id)


def share_visit_view(request: HttpRequest, code: str) -> HttpResponse:
    link = shares.share_visit(code=code, visitor=request.user)
    request.session["share_ref"] = link.code  # attribution of what the visitor does next (orders read it)
    return redirect("community:post", post_id=link.post_id)


@login_required
@require_POST
def comment_create_view(request: HttpRequest, post_id: int) -> HttpResponse:
    form = forms.CommentForm(request.POST)
    form.is_valid()
    status = 200
    try:
        comment_services.comment_create(
            user=request.user,
            post_id=post_id,
            text=request.POST.get("text", ""),
            reply_to_id=form.cleaned_data.get("reply_to_id"),
        )
        form = forms.CommentForm()
    except DomainError as exc:
        if not request.htmx and exc.status == 404:
            raise
        add_domain_error(form, exc)
        status = exc.status
        if not request.htmx:
            messages.error(request, exc.message)
            return _back_to_post(request, post_id)
    else:
        if not request.htmx:
            messages.success(request, _("Comment posted."))
            return _back_to_post(request, post_id)
    data = detail.post_detail(post_id=post_id, viewer=request.user)
    return render(
        request, "community/_comments.html", {"detail": data, "post": data.post, "comment_form": form}, status=status
    )


@login_required
@require_POST
def comment_like_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    liked = reactions.comment_like_toggle(user=request.user, comment_id=comment_id)
    comment = comments.comment_get(comment_id=comment_id)
    if request.htmx:
        return render(request, "community/_comment_like.html", {"c": comment, "liked": liked})
    return _back_to_post(request, comment.post_id)


@login_required
@require_POST
def comment_delete_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = comments.comment_get(comment_id=comment_id)
    comment_services.comment_delete(user=request.user, comment_id=comment_id)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Comment deleted."))
    return _back_to_post(request, comment.post_id)


def comment_replies_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    parent = comments.comment_get(comment_id=comment_id)
    post = posts.access_post_for_viewer(post_id=parent.post_id, viewer=request.user)
    replies = comments.reply_list(parent=parent, viewer=request.user)
    return render(request, "community/replies.html", {"parent": parent, "post": post, "replies": replies})


# --- compose / edit / publish / delete / hide -------------------------------------------------------------


def _joined_circles(user):
    ids = circles.joined_circle_ids(user_id=user.pk)
    return [c for c in circles.circle_list(limit=200) if c.pk in ids]


@login_required
@require_http_methods(["GET", "POST"])
def compose_view(request: HttpRequest) -> HttpResponse:
    joined = _joined_circles(request.user)
    initial = {"circle_id": request.GET.get("circle", "")} if request.method == "GET" else None
    form = forms.PostForm(request.POST or None, circles=joined, initial=initial)
    chosen = _int_list(request.POST.getlist("product_ids")) if request.method == "POST" else []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                post = post_services.post_create(
                    author=request.user,
                    text=form.cleaned_data["text"],
                    images=request.FILES.getlist("images"),
                    video=request.FILES.get("video"),
                    video_url=form.cleaned_data["video_url"],
                    product_ids=chosen,
                    circle_id=form.cleaned_data.get("circle_id"),
                    visibility=form.cleaned_data["visibility"],
                    draft="save_draft" in request.POST,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                if post.status == "draft":
                    messages.success(request, _("Draft saved."))
                    return redirect("community:drafts")
                messages.success(request, _("Posted."))
                return redirect("community:post", post_id=post.pk)
        else:
            status = 400
    return render(
        request,
        "community/compose.html",
        {"form": form, "chosen_products": _chosen_products(chosen), "editing": None},
        status=status,
    )


def _chosen_products(ids) -> list:
    from shequ.catalog.selectors import product_cards

    clean = [int(i) for i in ids if str(i).isdigit()][:20]
    return list(product_cards().filter(pk__in=clean)) if clean else []


@login_required
def product_picker_view(request: HttpRequest) -> HttpResponse:
    """The composer's product search (HTMX): on-sale products whose name contains the text."""
    from django.db.models import Q

    from shequ.catalog.selectors import product_cards

    q = " ".join(request.GET.get("q", "").split())[:40]
    found = []
    if q:
        found = list(
            product_cards().filter(Q(name__icontains=q) | Q(name_en__icontains=q)).order_by("-sales_count")[:10]
        )
        track(request.user, "community_product_search", {"q": q, "results": len(found)})
    return render(request, "community/_product_picker.html", {"products": found, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    current = cards.cards_for_posts(posts=[post], viewer_id=request.user.pk)[0]
    joined = _joined_circles(request.user)
    initial = {"text": post.text, "visibility": post.visibility, "video_url": post.video_url}
    form = forms.PostForm(request.POST or None, circles=joined, initial=initial)
    form.fields["circle_id"].disabled = True
    status = 200
    chosen = (
        _int_list(request.POST.getlist("product_ids")) if request.method == "POST" else [p.id for p in current.products]
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                post = post_services.post_update(
                    post=post,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    visibility=form.cleaned_data["visibility"],
                    video_url=form.cleaned_data["video_url"],
                    product_ids=chosen,
                    add_images=request.FILES.getlist("images"),
                    remove_image_ids=request.POST.getlist("remove_image"),
                )
                if "publish" in request.POST and post.status == "draft":
                    post = post_services.post_publish(post=post, user=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                if post.status == "draft":
                    return redirect("community:drafts")
                return redirect("community:post", post_id=post.pk)
        else:
            status = 400
    images = list(post.images.all())
    return render(
        request,
        "community/compose.html",
        {"form": form, "chosen_products": _chosen_products(chosen), "editing": post, "images": images},
        status=status,
    )


@login_required
@require_POST
def publish_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    try:
        post_services.post_publish(post=post, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("community:drafts")
    messages.success(request, _("Posted."))
    return redirect("community:post", post_id=post.pk)


@login_required
@require_POST
def delete_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    post_services.post_delete(post=post, user=request.user)
    messages.success(request, _("Post deleted."))
    return redirect(safe_next(request, reverse("community:drafts") if post.status == "draft" else "/community/"))


@login_required
@require_POST
def hide_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts.access_post_for_viewer(post_id=post_id, viewer=request.user)
    post_services.post_hide(post=post, moderator=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("The post is hidden."))
    if post.circle_id:
        return redirect("community:circle", slug=post.circle.slug)
    return redirect("community:post", post_id=post.pk)


def history_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts.access_post_for_viewer(post_id=post_id, viewer=request.user)
    revisions = list(posts.revisions_for_post(post=post)[:50])
    return render(request, "community/history.html", {"post": post, "revisions": revisions})


# --- my drafts and favourites ----------------------------------------------------------------------------


@login_required
def drafts_view(request: HttpRequest) -> HttpResponse:
    drafts = list(posts.drafts_for_user(user=request.user)[:50])
    return render(request, "community/drafts.html", {"drafts": drafts})


@login_required
def favourites_view(request: HttpRequest) -> HttpResponse:
    page = _page_number(request)
    ids = favourites.favourite_post_ids(user=request.user, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    items = cards.post_cards(post_ids=ids[:PAGE_SIZE], viewer=request.user)
    return render(
        request,
        "community/favourites.html",
        {"cards": items, "page": page, "has_next": len(ids) > PAGE_SIZE},
    )


# --- topics and circles ----------------------------------------------------------------------------------


def _feed(kind: str, *, key_id: int, request: HttpRequest):
    """The topic's or circle's feed (feeds module): hot or latest, cursor-paginated."""
    sort = "hot" if request.GET.get("sort") == "hot" else "latest"
    function = feeds.feed_topic if kind == "topic" else feeds.feed_circle
    page = function(**{f"{kind}_id": key_id}, sort=sort, cursor=request.GET.get("cursor") or None, viewer=request.user)
    return sort, page.items, page.next_cursor


def topic_view(request: HttpRequest, slug: str) -> HttpResponse:
    topic = topics.topic_get(key=slug)
    sort, items, next_cursor = _feed("topic", key_id=topic.pk, request=request)
    track(request.user if request.user.is_authenticated else None, "topic_viewed", {"topic_id": topic.pk})
    return render(
        request,
        "community/topic.html",
        {"topic": topic, "cards": items, "sort": sort, "next_cursor": next_cursor},
    )


def topic_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    found = list(topics.topic_list(q=q))
    if q.strip():
        subject = request.user if request.user.is_authenticated else None
        track(subject, "topic_searched", {"q": q.strip()[:30], "results": len(found)})
    return render(request, "community/topics.html", {"topics": found, "q": q})


def circle_list_view(request: HttpRequest) -> HttpResponse:
    joined = set(circles.joined_circle_ids(user_id=request.user.pk)) if request.user.is_authenticated else set()
    return render(request, "community/circles.html", {"circles": list(circles.circle_list()), "joined": joined})


def circle_view(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circles.circle_get(key=slug)
    sort, items, next_cursor = _feed("circle", key_id=circle.pk, request=request)
    role = circles.circle_role(circle_id=circle.pk, user_id=request.user.pk if request.user.is_authenticated else None)
    track(request.user if request.user.is_authenticated else None, "circle_viewed", {"circle_id": circle.pk})
    return render(
        request,
        "community/circle.html",
        {
            "circle": circle,
            "cards": items,
            "sort": sort,
            "next_cursor": next_cursor,
            "role": role,
            "moderators": circles.circle_moderators(circle_id=circle.pk),
        },
    )


@login_required
@require_POST
def circle_join_view(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circles.circle_get(key=slug)
    if request.POST.get("action") == "leave":
        circle = circle_services.circle_leave(user=request.user, circle_id=circle.pk)
        role = None
    else:
        circle = circle_services.circle_join(user=request.user, circle_id=circle.pk)
        role = circles.circle_role(circle_id=circle.pk, user_id=request.user.pk)
    if request.htmx:
        return render(request, "community/_circle_join.html", {"circle": circle, "role": role})
    return redirect("community:circle", slug=circle.slug)
