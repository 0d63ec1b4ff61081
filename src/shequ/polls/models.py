"""Polls: single or multiple choice, a deadline, one ballot per person; operators run product-decision polls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel


class ResultsVisibility(models.TextChoices):
    AFTER_VOTE = "after_vote", _("After voting")
    AFTER_CLOSE = "after_close", _("After the poll closes")


class Poll(TimeStampedModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    post = models.OneToOneField("community.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="poll")
    is_official = models.BooleanField(_("product-decision poll"), default=False)
    multiple = models.BooleanField(_("several answers"), default=False)
    max_choices = models.PositiveSmallIntegerField(_("at most"), default=1)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    results_visibility = models.CharField(
        max_length=12, choices=ResultsVisibility.choices, default=ResultsVisibility.AFTER_VOTE
    )
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    ballot_count = models.PositiveIntegerField(_("votes"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [
            models.Index(fields=["is_active", "-created_at"], name="polls_active_recent"),
            models.Index(fields=["is_active", "is_official", "-created_at"], name="polls_official_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_choices__gte=1), name="polls_max_choices_positive")
        ]

    def __str__(self) -> str:
        return self.question

    def is_closed(self, now=None) -> bool:
        return not self.is_active or (self.closes_at is not None and self.closes_at <= (now or timezone.now()))


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=100)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text


class PollBallot(models.Model):
    """One person's vote in one poll (the unique constraint is what makes "vote once" hold under races)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    options = models.ManyToManyField(PollOption, related_name="ballots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="polls_one_ballot_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.poll_id}"
