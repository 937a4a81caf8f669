"""Who may do what with notifications (django-rules): a signed-in, active person reads,
marks and configures only their own (the services filter every query by the actor)."""

from __future__ import annotations

import rules

from ..accounts.predicates import is_active_user

rules.add_perm("notifications.manage_own", is_active_user)
