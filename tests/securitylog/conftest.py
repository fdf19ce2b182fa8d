"""The security log tests share the security tests' app maker."""

from ..security.conftest import make_app  # noqa: F401  (the fixture)
