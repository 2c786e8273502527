from django.db import models

from .models import ChangeEntry


def change_history_for(instance: models.Model):
    """The change history of one record, newest first."""
    return ChangeEntry.objects.filter(
        entity=instance._meta.label_lower, entity_id=str(instance.pk)
    ).select_related("actor")
