"""The ``highlands`` console script: Django's ``manage.py`` under the project's name."""

import os
import sys


def main() -> None:
    """Run a Django management command (``highlands migrate``, ``highlands import PATH`` ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highlands.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
