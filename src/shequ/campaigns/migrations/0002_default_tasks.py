from django.db import migrations

DEFAULTS = [
    ("complete_profile", 20, "/accounts/me/profile/", "Add your birthday, gender and a short bio."),
    ("set_preferences", 20, "/accounts/me/settings/", "Pick the categories and flavours you like."),
    ("first_checkin", 10, "/loyalty/checkin/", "Check in once on the points page."),
    ("first_post", 30, "/community/", "Share something with the community."),
    ("first_order", 50, "/", "Buy anything and pay for it."),
]


def create(apps, schema_editor):
    Task = apps.get_model("campaigns", "OnboardingTask")
    for position, (code, points, link, description) in enumerate(DEFAULTS):
        Task.objects.get_or_create(
            code=code, defaults={"points": points, "link": link, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
