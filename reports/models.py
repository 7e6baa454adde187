"""What tells the dashboard's cache that its figures may have changed: a log of writes."""

from django.db import models


class DataChange(models.Model):
    """One write (a statement) to a table the dashboard counts, for one organization.

    Rows are added by database triggers (PostgreSQL: migration 0001, per statement; SQLite:
    0002, per row), so every write counts, the ORM's,
    a bulk COPY's or a queryset `update()`'s alike; they appear when their transaction commits,
    so a figure computed after reading the log is never older than the log says. `weight`
    lets old rows be folded into one without changing the total (`reports.cache`).
    """

    organization_id = models.BigIntegerField()
    weight = models.BigIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization_id", "id"], include=["weight"], name="datachange_org"
            )
        ]

    def __str__(self) -> str:
        return f"change {self.pk} in organization {self.organization_id}"
