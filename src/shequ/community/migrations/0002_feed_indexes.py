"""Partial indexes for the feeds (community/feeds.py): keyset order (sort key, id) over what a feed can show."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("status", "published"), ("visibility", "public")),
                fields=["-published_at", "-id"],
                name="community_feed_latest",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("status", "published"), ("visibility", "public")),
                fields=["-hot_score", "-id"],
                name="community_feed_hot",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("status", "published"), models.Q(("visibility", "private"), _negated=True)),
                fields=["author", "-published_at", "-id"],
                name="community_feed_author",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("status", "published"), ("visibility", "public")),
                fields=["circle", "-published_at", "-id"],
                name="community_feed_circle",
            ),
        ),
    ]
