from django.db import models


class FloorRow(models.Model):
    """One request of the floor endpoint: a plain table with no index beyond its key."""

    member_id = models.BigIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Floor row {self.pk}"
