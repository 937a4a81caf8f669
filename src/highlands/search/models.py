"""What search keeps in the database: one row per searchable record, its chunks and vectors.

The database is the source of truth; the index files under ``VAR_DIR`` (Tantivy, usearch)
are derived from these rows and can be rebuilt from them at any time.
"""

from __future__ import annotations

import uuid

from django.db import models


class SearchDocument(models.Model):
    """One searchable record of a registered kind (``search.registry``)."""

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=255)
    slug = models.CharField(max_length=160, blank=True)
    url = models.CharField(max_length=300, blank=True)
    names = models.TextField(blank=True)  # names, aliases and acronyms, both languages
    body = models.TextField(blank=True)  # everything else worth finding, plain text
    # Facets, denormalised so that one indexed row answers every filter.
    highlands = models.CharField(max_length=500, blank=True)  # "|it|medical|"
    clusters = models.CharField(max_length=2000, blank=True)  # "|3|17|"
    helix_role = models.CharField(max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="uniq_search_document")
        ]
        indexes = [models.Index(fields=["is_synthetic", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class SearchChunk(models.Model):
    """A passage of a document and its sentence embedding (float32 bytes, L2-normalised)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    text_hash = models.CharField(max_length=32)
    encoder = models.CharField(max_length=64)
    embedding = models.BinaryField()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="uniq_search_chunk")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.position}"


class IndexOutbox(models.Model):
    """A record whose search entry must be refreshed; drained by the one index writer.

    A drain counts an attempt before it starts (so a worker killed by the entry counts
    too); an entry that fails is retried at ``next_attempt_at`` (``indexing.retry_delay``)
    and stays listed by ``highlands search-index status`` with its last error.
    """

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class IndexState(models.Model):
    """Ties the index files to this database: a fresh database gets a fresh index id."""

    index_id = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.index_id)
