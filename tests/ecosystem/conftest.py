from tests.accounts.fixtures import world  # noqa: F401  (a fixture)
