"""People and access: users, the companies they act for (with a role), sessions, invitations."""

from timebank.people.model import Actor, Role

__all__ = ["Actor", "Role"]
