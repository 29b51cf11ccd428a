"""Users and roles of the web application, kept in the store's database (not in the event log),
with Argon2id password hashes and sign-in throttling."""

from ehcp_audit.accounts.service import Accounts
from ehcp_audit.accounts.users import AccountError, LockedOut, Role, User

__all__ = ["AccountError", "Accounts", "LockedOut", "Role", "User"]
