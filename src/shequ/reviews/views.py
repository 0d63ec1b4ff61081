"""Review and Q&A pages (phone-first, HTMX for helpful votes and likes, full-page fallbacks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shequ.analytics.services import track
from shequ.core.errors import DomainError
from shequ.core.web import add_domain_error, safe_next
from shequ.reviews import forms, selectors, services
from shequ.reviews.access import question_get_published, review_get_for_author, review_get_published

PAGE_SIZE = 10


def _product(product_id: int):
    """The product on sale (its cached detail: name, slug, images); NotFound otherwise."""
    from shequ.catalog.product_detail import product_detail, product_ref

    return product_detail(ref=product_ref(key=product_id))


def _ratings(data: dict) -> services.Ratings:
    return services.Ratings(
        overall=data.get("rating"),
        taste=data.get("rating_taste"),
        value=data.get("rating_value"),
        packaging=data.get("rating_packaging"),
    )


# --- reviews ------------------------------------------------------------------------------------------------


def product_reviews_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(product_id)
    current = request.GET.get("filter", "all")
    if current not in selectors.REVIEW_FILTERS:
        current = "all"
    page = Paginator(selectors.review_list_for_product(product_id=product.id, filter=current), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reviews = list(page.object_list)
    context = {
        "product": product,
        "page": page,
        "reviews": reviews,
        "filter": current,
        "summary": selectors.product_rating(product_id=product.id),
        "helpful_ids": selectors.helpful_review_ids(user=request.user, review_ids=[r.pk for r in reviews]),
    }
    track(
        request.user if request.user.is_authenticated else None,
        "reviews_viewed",
        {"product_id": product.id, "filter": current, "page": page.number, "count": page.paginator.count},
    )
    if request.htmx and request.GET.get("page"):
        return render(request, "reviews/_list_page.html", context)
    return render(request, "reviews/list.html", context)


def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    review_get_published(review_id=pk)
    review = selectors.review_detail(review_id=pk)
    context = {
        "review": review,
        "product": _product(review.product_id),
        "helpful_ids": selectors.helpful_review_ids(user=request.user, review_ids=[review.pk]),
        "is_author": request.user.is_authenticated and request.user.pk == review.user_id,
    }
    return render(request, "reviews/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_new_view(request: HttpRequest, order_item_id: int) -> HttpResponse:
    from shequ.orders.selectors import order_item_get_for_user

    item = order_item_get_for_user(user=request.user, order_item_id=order_item_id)
    form = forms.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = services.review_create(
                    user=request.user,
                    order_item_id=item.pk,
                    ratings=_ratings(form.cleaned_data),
                    text=form.cleaned_data["text"],
                    photos=request.FILES.getlist("photos"),
                    is_anonymous=form.cleaned_data["is_anonymous"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Thank you for your review!"))
                return redirect("reviews:detail", pk=review.pk)
        else:
            status = 400
    return render(request, "reviews/form.html", {"form": form, "item": item, "mode": "new"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_get_for_author(user=request.user, review_id=pk)
    initial = {f: getattr(review, f) for f in ("rating", "rating_taste", "rating_value", "rating_packaging", "text")}
    form = forms.ReviewForm(request.POST or None, initial={**initial, "is_anonymous": review.is_anonymous})
    status = 200
    if review.edit_count and request.method == "GET":
        messages.info(request, _("A review can be edited only once. You can still add a follow-up review."))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_update(
                    user=request.user,
                    review_id=review.pk,
                    ratings=_ratings(form.cleaned_data),
                    text=form.cleaned_data["text"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Review updated."))
                return redirect("reviews:detail", pk=review.pk)
        else:
            status = 400
    return render(request, "reviews/form.html", {"form": form, "review": review, "mode": "edit"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_get_for_author(user=request.user, review_id=pk)
    form = forms.FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_follow_up_create(
                    user=request.user,
                    review_id=review.pk,
                    text=form.cleaned_data["text"],
                    photos=request.FILES.getlist("photos"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Follow-up added."))
                return redirect("reviews:detail", pk=review.pk)
        else:
            status = 400
    return render(request, "reviews/follow_up.html", {"form": form, "review": review}, status=status)


@login_required
@require_POST
def review_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    services.review_delete(user=request.user, review_id=pk)
    messages.success(request, _("Review deleted."))
    return redirect("reviews:mine")


@login_required
@require_POST
def review_helpful_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.review_helpful_toggle(user=request.user, review_id=pk)
    except DomainError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect(safe_next(request, reverse("reviews:detail", args=[pk])))
        return HttpResponse(str(exc.message), status=exc.status)
    if request.htmx:
        review = selectors.review_detail(review_id=pk)
        ids = selectors.helpful_review_ids(user=request.user, review_ids=[pk])
        return render(request, "reviews/_helpful.html", {"review": review, "helpful_ids": ids})
    return redirect(safe_next(request, reverse("reviews:detail", args=[pk])))


@login_required
def to_review_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.items_to_review_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/to_review.html", {"page": page})


@login_required
def my_reviews_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reviews_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/mine.html", {"page": page, "helpful_ids": set()})


# --- Q&A ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def product_qa_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(product_id)
    form = forms.QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                question = services.question_ask(
                    user=request.user, product_id=product.id, text=form.cleaned_data["text"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Question posted. We asked a few buyers to help."))
                return redirect("reviews:question", pk=question.pk)
        else:
            status = 400
    page = Paginator(selectors.question_list_for_product(product_id=product.id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    track(
        request.user if request.user.is_authenticated else None,
        "questions_viewed",
        {"product_id": product.id, "page": page.number, "count": page.paginator.count},
    )
    return render(request, "reviews/qa_list.html", {"product": product, "page": page, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def question_view(request: HttpRequest, pk: int) -> HttpResponse:
    question_get_published(question_id=pk)
    form = forms.AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                services.answer_create(user=request.user, question_id=pk, text=form.cleaned_data["text"])
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Thank you for answering!"))
                return redirect("reviews:question", pk=pk)
        else:
            status = 400
    question = selectors.question_detail(question_id=pk)
    answers = question.shown_answers
    context = {
        "question": question,
        "answers": answers,
        "product": _product(question.product_id),
        "form": form,
        "liked_ids": selectors.liked_answer_ids(user=request.user, answer_ids=[a.pk for a in answers]),
        "can_accept": request.user.is_authenticated and (request.user.pk == question.user_id or request.user.is_staff),
    }
    return render(request, "reviews/question.html", context, status=status)


@login_required
@require_POST
def answer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        answer = services.answer_accept(user=request.user, answer_id=pk)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("home")), status=303)
    messages.success(request, _("Best answer chosen."))
    return redirect("reviews:question", pk=answer.question_id)


@login_required
@require_POST
def answer_like_view(request: HttpRequest, pk: int) -> HttpResponse:
    liked, count = services.answer_like_toggle(user=request.user, answer_id=pk)
    if request.htmx:
        return render(request, "reviews/_answer_like.html", {"answer_id": pk, "liked": liked, "count": count})
    from shequ.reviews.access import answer_get_published

    return redirect("reviews:question", pk=answer_get_published(answer_id=pk).question_id)
