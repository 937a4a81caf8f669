"""Static files: hashed, compressed names once ``collectstatic`` has run, plain names before.

``make run`` and every deployment collect the static files, and pages then link to hashed
names that can be cached for a year. A development server started right after ``migrate`` and
``import`` has no manifest yet: rather than failing every page ("Missing staticfiles manifest
entry"), pages link to the plain names, which WhiteNoise serves from the apps' static folders
(``WHITENOISE_USE_FINDERS`` while nothing is collected). Once a manifest exists, a name missing
from it is still an error, so a broken deployment shows.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestWhenCollectedStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: collectstatic has not run yet
            return name
        return super().stored_name(name)
