"""Private one-to-one messages. A conversation is between exactly two people (``user_low`` < ``user_high``);
each side has its own state: unread count, last read, and whether it sits in the inbox or the requests
folder (messages from people you don't follow land in requests)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["user_low", "user_high"], name="messaging_pair_unique"),
            models.CheckConstraint(condition=Q(user_low__lt=F("user_high")), name="messaging_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.user_low_id} ↔ {self.user_high_id}"


class Folder(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    REQUESTS = "requests", _("Message requests")


class ConversationState(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_states")
    folder = models.CharField(max_length=10, choices=Folder.choices, default=Folder.INBOX)
    unread_count = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="messaging_state_unique")]
        indexes = [models.Index(fields=["user", "folder", "-last_message_at"], name="messaging_state_list")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "-created_at"], name="messaging_message_recent")]

    def __str__(self) -> str:
        return f"message {self.pk}"
