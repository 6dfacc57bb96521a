# A priority action names its chef de projet. Existing priority actions without one get an
# explicit « à désigner » placeholder (listed by the dashboard's lead filter) before the
# constraint is added, rather than losing their priority.

from django.db import migrations, models

PLACEHOLDER = "Chef de projet à désigner"


def leads_fill(apps, schema_editor):
    Action = apps.get_model("contracts", "Action")
    Action.objects.filter(is_priority=True, lead_name__regex=r"^\s*$").update(
        lead_name=PLACEHOLDER
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_action_lead_partner"),
        ("geography", "0001_initial"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(leads_fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_priority", False), ~models.Q(lead_name=""), _connector="OR"),
                name="action_priority_lead_required",
            ),
        ),
    ]
