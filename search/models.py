"""What search reads: one row per searchable object (an initiative, an
amendment, a published policy version), kept in step with the object by the
search app's receivers, and the duplicate links the CoE records."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from initiatives.models import Initiative


class Document(models.Model):
    """The searchable text of one object. Permissions are not stored here:
    every search filters these rows by what the object's list shows, through
    its source: on the document's own unit and id where the list decides by
    them (the receivers keep the unit in step with the object's), else by the
    ids its list's selector returns."""

    kind = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    # The unit, state and date the filters read (a unit only where the object has one).
    unit_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=32, blank=True)
    date = models.DateTimeField()
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    # The words' stems in English, German and Italian, each between spaces
    # (the fallback where PostgreSQL's full-text search is not available).
    stems = models.TextField(blank=True)
    # PostgreSQL: title (weight A) and body (B) under the three languages'
    # configurations, with a GIN index (created by the migration on PostgreSQL only).
    vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object")
        ]
        indexes = [
            models.Index(fields=["kind", "unit_id"], name="search_document_kind_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class DuplicateLink(models.Model):
    """The CoE's finding that `duplicate` proposes what `original` already
    does. Both initiatives' pages show the link, so that whoever reviews one
    sees the other; an initiative duplicates at most one other. Once merged,
    `duplicate` is the closed one and `original` the one whose review goes on."""

    duplicate = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="duplicate_link"
    )
    original = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="duplicate_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # Set when the CoE merged the review: `duplicate` was closed and its review
    # goes on in `original` (the one the CoE kept). A merged link stays.
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(duplicate=models.F("original")),
                name="search_duplicate_not_itself",
            )
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} duplicates {self.original_id}"
